"""My orders: the member's order list, an order's detail per vendor part, and its actions.

The detail shows each vendor's part with its status, carrier and tracking link, and the
actions the transition tables allow now: cancel the whole order (unpaid, or paid and not
yet prepared), cancel lines by quantity before their parcel ships, ask for a return or
exchange of a delivered part, confirm the purchase. Each action is a POST calling one
service with ``shopper=request.user``, so another shopper's order is a 404 twice over:
the selector does not find it, and the service would not either.

Guests reach the same page and actions through their lookup (``orders.views.guest``);
for them ``request.user`` is anonymous and the services accept only guest orders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from orders import selectors, services
from orders.forms import CancelForm, ClaimForm, quantities_from
from orders.models import Claim, Order, OrderLine, VendorShipment
from orders.services.claims import CLAIMABLE
from orders.services.lifecycle import UNSHIPPED
from orders.views.common import error_texts, line_errors
from shop.exceptions import NotFoundError, ShopError

ORDERS_PER_PAGE = 10
OPEN_CLAIMS = {Claim.Status.REQUESTED, Claim.Status.RETURNED}
CANCELLABLE_LINES = {OrderLine.Status.ORDERED, OrderLine.Status.PARTIALLY_CANCELLED}
# A shopper cancels the whole order only before the seller starts preparing it.
SHOPPER_CANCELLABLE = {Order.Status.PENDING_PAYMENT, Order.Status.PAID}
LINES_CANCELLABLE = {Order.Status.PENDING_PAYMENT, Order.Status.PAID, Order.Status.PREPARING}


@dataclass
class LineView:
    line: OrderLine
    cancellable: bool
    claimable: bool
    errors: list[str] = field(default_factory=list)


@dataclass
class PartView:
    """One vendor's part of the order as the shopper sees it, with what they may do now."""

    shipment: VendorShipment
    lines: list[LineView]
    claims: list[Claim]
    confirm_url: str
    claim_url: str
    claim_form: ClaimForm
    can_confirm: bool = False
    can_claim: bool = False
    can_cancel_lines: bool = False


def order_page(
    order: Order, url: Callable[..., str], *, errors: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Return the detail page's context: parts with their lines, claims and allowed actions."""
    errors = errors or {}
    prefetch_related_objects([order], "claims__lines", "refunds")
    claims: dict[int, list[Claim]] = {}
    for claim in order.claims.all():
        claims.setdefault(claim.shipment_id, []).append(claim)
    lines: dict[int, list[OrderLine]] = {}
    for line in order.lines.all():
        lines.setdefault(line.shipment_id, []).append(line)
    bad_lines = errors.get("lines", {})
    parts = []
    for shipment in order.shipments.all():
        unshipped = shipment.status in UNSHIPPED and order.status in LINES_CANCELLABLE
        delivered = shipment.status == VendorShipment.Status.DELIVERED
        part_claims = claims.get(shipment.pk, [])
        line_views = [
            LineView(
                line=line,
                cancellable=unshipped
                and line.status in CANCELLABLE_LINES
                and line.live_quantity > 0,
                claimable=delivered and line.status in CLAIMABLE and line.live_quantity > 0,
                errors=bad_lines.get(line.pk, []),
            )
            for line in lines.get(shipment.pk, [])
        ]
        open_claim = any(claim.status in OPEN_CLAIMS for claim in part_claims)
        parts.append(
            PartView(
                shipment=shipment,
                lines=line_views,
                claims=part_claims,
                confirm_url=url("confirm", shipment_id=shipment.pk),
                claim_url=url("claim", shipment_id=shipment.pk),
                claim_form=(
                    errors["claim_form"]
                    if errors.get("claim_form") and errors.get("shipment_id") == shipment.pk
                    else ClaimForm(auto_id=f"id_claim{shipment.pk}_%s")
                ),
                can_confirm=delivered and not open_claim,
                can_claim=any(view.claimable for view in line_views),
                can_cancel_lines=any(view.cancellable for view in line_views),
            )
        )
    shipments = list(order.shipments.all())
    can_cancel = order.status in SHOPPER_CANCELLABLE and all(
        s.status in UNSHIPPED or s.status == VendorShipment.Status.CANCELLED for s in shipments
    )
    return {
        "order": order,
        "parts": parts,
        "refunds": list(order.refunds.all()),
        "can_cancel": can_cancel,
        "cancel_url": url("cancel"),
        "cancel_lines_url": url("cancel_lines"),
        "errors": errors,
        "cancel_form": CancelForm(),
        "bank_account": settings.ORDERS_BANK_ACCOUNT,
    }


def member_url(number: str) -> Callable[..., str]:
    def url(action: str, **kwargs: Any) -> str:
        return reverse(f"orders:my_order_{action}", kwargs={"number": number, **kwargs})

    return url


def render_detail(
    request: HttpRequest,
    order: Order,
    url: Callable[..., str],
    *,
    guest: bool,
    errors: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = order_page(order, url, errors=errors)
    context["guest"] = guest
    return render(request, "orders/order_detail.html", context, status=status)


# --- Pages ---------------------------------------------------------------------------------------


@login_required
@require_safe
def order_list(request: HttpRequest) -> HttpResponse:
    """The member's orders, newest first, ten a page (a fixed number of queries)."""
    paginator = Paginator(selectors.list_orders_for_user(user=request.user), ORDERS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "orders/order_list.html", {"page": page, "orders": page.object_list})


@login_required
@require_safe
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = member_order(request, number)
    return render_detail(request, order, member_url(order.number), guest=False)


def member_order(request: HttpRequest, number: str) -> Order:
    try:
        return selectors.get_order_for_user(user=request.user, number=number)
    except NotFoundError as error:
        raise Http404 from error


# --- Actions -------------------------------------------------------------------------------------


def shipment_of(order: Order, shipment_id: int) -> VendorShipment:
    """Return the order's own vendor part; an id from another order is not found."""
    for shipment in order.shipments.all():
        if shipment.pk == shipment_id:
            return shipment
    raise Http404


def run_action(
    request: HttpRequest,
    order: Order,
    url: Callable[..., str],
    action: str,
    *,
    guest: bool,
    shipment_id: int | None = None,
) -> HttpResponse:
    """Call the service behind ``action``; on refusal show the order again with the reason."""
    # A guest acts as the anonymous shopper: the services then accept only guest orders
    # (this one was proven by its token); a member acts as themself.
    shopper = AnonymousUser() if guest else request.user
    claim_form = None
    try:
        if action == "cancel":
            form = CancelForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.cancel_order(order_id=order.pk, reason=reason, shopper=shopper)
            done = _("Your order was cancelled.")
        elif action == "cancel_lines":
            form = CancelForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.partial_cancel(
                order_id=order.pk,
                quantities=quantities_from(request.POST, "cancel_"),
                reason=reason,
                shopper=shopper,
            )
            done = _("The chosen items were cancelled.")
        elif action == "claim":
            shipment = shipment_of(order, shipment_id or 0)
            claim_form = ClaimForm(request.POST, auto_id=f"id_claim{shipment.pk}_%s")
            if not claim_form.is_valid():
                return render_detail(
                    request,
                    order,
                    url,
                    guest=guest,
                    errors={"shipment_id": shipment.pk, "claim_form": claim_form},
                    status=400,
                )
            services.request_claim(
                shipment_id=shipment.pk,
                kind=claim_form.cleaned_data["kind"],
                quantities=quantities_from(request.POST, "claim_"),
                reason=claim_form.cleaned_data["reason"],
                shopper=shopper,
            )
            done = _("Your request was sent to the seller.")
        elif action == "confirm":
            shipment = shipment_of(order, shipment_id or 0)
            services.confirm_purchase(shipment_id=shipment.pk, shopper=shopper)
            done = _("Thank you: the purchase is confirmed.")
        else:  # pragma: no cover - the URLs name only these
            raise Http404
    except NotFoundError as error:
        raise Http404 from error
    except ShopError as error:
        return render_detail(
            request,
            order,
            url,
            guest=guest,
            errors={
                "action": action,
                "shipment_id": shipment_id,
                "messages": error_texts(error),
                "lines": line_errors(error),
                "claim_form": claim_form,
            },
            status=400,
        )
    messages.success(request, done)
    return redirect(url("detail"))


def member_action(action: str) -> Callable[..., HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, number: str, shipment_id: int | None = None) -> HttpResponse:
        order = member_order(request, number)
        return run_action(
            request, order, member_url(order.number), action, guest=False, shipment_id=shipment_id
        )

    view.__name__ = f"my_order_{action}"
    view.__doc__ = f"POST: {action.replace('_', ' ')} on the member's own order."
    return view


my_order_cancel = member_action("cancel")
my_order_cancel_lines = member_action("cancel_lines")
my_order_claim = member_action("claim")
my_order_confirm = member_action("confirm")
