"""Storefront pages of reviews and questions.

- The product page shows the rating summary and reviews (``reviews_tags``), kept in
  the page cache; its Q&A part is loaded per visitor from ``product_questions`` (htmx),
  because a secret question shows to its asker, the vendor and staff only.
- My page: my reviews, and "write a review" for each confirmed line not reviewed yet.
- Votes and questions are POSTs calling one service each; htmx gets the fragment back,
  a browser without JavaScript a redirect to the product page.
"""

from __future__ import annotations

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catalog.models import Product
from orders.models import OrderLine
from reviews import selectors, services
from reviews.forms import QuestionForm, ReviewForm, add_service_errors
from reviews.models import Review
from shop.exceptions import ShopError
from vendors.models import Vendor


def _shown_product(product_id: int) -> Product:
    return get_object_or_404(
        Product.objects.only("id", "slug", "name", "vendor_id"),
        pk=product_id,
        status__in=services.SHOWN_STATUSES,
        vendor__status=Vendor.Status.APPROVED,
    )


def _product_url(product: Product) -> str:
    return reverse("catalog:product", args=[product.pk, product.slug])


def _questions_response(
    request: HttpRequest, product: Product, form: QuestionForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "product": product,
        "product_url": _product_url(product),
        "questions": selectors.product_questions(
            product_id=product.pk, vendor_id=product.vendor_id, viewer=request.user
        ),
        "form": form or QuestionForm(),
    }
    template = "reviews/_questions.html" if request.htmx else "reviews/questions.html"
    return render(request, template, context, status=status)


@require_safe
def product_questions(request: HttpRequest, product_id: int) -> HttpResponse:
    """The product's questions as this visitor may see them, with the form to ask one."""
    return _questions_response(request, _shown_product(product_id))


@require_POST
@login_required
def ask_question(request: HttpRequest, product_id: int) -> HttpResponse:
    product = _shown_product(product_id)
    form = QuestionForm(request.POST)
    if form.is_valid() and not ratelimit.consume(
        request, action="product_question", user=request.user
    ):
        form.add_error(
            None, _("You have asked many questions in a short time. Please try again later.")
        )
        return _questions_response(request, product, form, status=429)
    if form.is_valid():
        try:
            services.ask_question(
                user=request.user,
                product_id=product.pk,
                text=form.cleaned_data["text"],
                is_secret=form.cleaned_data["is_secret"],
            )
        except ShopError as error:
            add_service_errors(form, error)
    if not form.is_valid():
        return _questions_response(request, product, form, status=400)
    messages.success(request, _("Your question was sent to the seller."))
    if request.htmx:
        return _questions_response(request, product)
    return redirect(f"{_product_url(product)}#qna")


@require_POST
@login_required
def vote_helpful(request: HttpRequest, review_id: int) -> HttpResponse:
    review = get_object_or_404(Review.objects.select_related("product"), pk=review_id)
    error = ""
    try:
        review = services.vote_helpful(review_id=review.pk, user=request.user)
    except ShopError as exc:
        error = exc.fields.get("review", [exc.message])[0]
    if request.htmx:
        context = {
            "review": {"id": review.pk, "helpful_count": review.helpful_count},
            "error": error,
        }
        return render(request, "reviews/_helpful.html", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Thank you for your vote."))
    return redirect(f"{_product_url(review.product)}#review-{review.pk}")


@require_safe
@login_required
def my_reviews(request: HttpRequest) -> HttpResponse:
    """My reviews (hidden ones with the reason) and the purchases I can still review."""
    context = {
        "reviewable": list(selectors.reviewable_lines(request.user)[:50]),
        "reviews": list(selectors.reviews_of(request.user)[:50]),
    }
    return render(request, "reviews/my_reviews.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def write_review(request: HttpRequest, line_id: int) -> HttpResponse:
    """Review one confirmed line of my orders, with photos."""
    line = selectors.reviewable_lines(request.user).filter(pk=line_id).first()
    if line is None:
        already = OrderLine.objects.filter(
            pk=line_id, order__user=request.user, review__isnull=False
        )
        if already.exists():
            messages.info(request, _("You have already reviewed this purchase."))
            return redirect("reviews:my_reviews")
        raise Http404
    form = ReviewForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.write_review(
                user=request.user,
                order_line_id=line.pk,
                rating=form.cleaned_data["rating"],
                text=form.cleaned_data["text"],
                photos=form.cleaned_data["photos"],
            )
        except ShopError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you for your review."))
            return redirect("reviews:my_reviews")
    status = 400 if form.is_bound else 200
    return render(request, "reviews/write.html", {"line": line, "form": form}, status=status)
