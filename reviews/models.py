"""Reviews of bought products (one per order line, with photos and helpful votes) and
product questions (상품문의) answered by the product's vendor.

A review is visible once written; moderation hides it afterwards, with a reason. Photos
go through the catalog's image pipeline (``catalog.media.services.render_image``): the
original is stored as sent, a task on the ``media`` queue writes the renditions.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.media.models import MediaStatus
from shop.models import TimeStampedModel


class Visibility(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden")


class Review(TimeStampedModel):
    """What a buyer thought of a product after confirming the purchase of one order line."""

    Visibility = Visibility

    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    # One review per line; PROTECT: a line with a review keeps it as proof of purchase.
    order_line = models.OneToOneField(
        "orders.OrderLine",
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        related_name="review",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    text = models.TextField(_("review"))
    option_label = models.CharField(_("options"), max_length=255, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.VISIBLE
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True)
    helpful_count = models.PositiveIntegerField(_("helpful votes"), default=0)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["product", "visibility", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="reviews_review_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values),
                name="reviews_review_visibility_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} ★{self.rating} #{self.pk}"

    @property
    def is_visible(self) -> bool:
        return self.visibility == Visibility.VISIBLE


class ReviewPhoto(TimeStampedModel):
    """One photo of a review, stored as sent and served through its renditions."""

    Status = MediaStatus

    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="photos"
    )
    original = models.FileField(_("original file"), upload_to="reviews/originals/", max_length=255)
    original_name = models.CharField(_("uploaded file name"), max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=MediaStatus.choices, default=MediaStatus.PENDING
    )
    failure_reason = models.TextField(_("failure reason"), blank=True)
    # {"webp": {"320": "path", ...}, "jpeg": {"640": "path"}}, as the catalog's renditions.
    renditions = models.JSONField(_("renditions"), default=dict, blank=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)

    class Meta:
        verbose_name = _("review photo")
        verbose_name_plural = _("review photos")
        ordering = ["review", "position", "pk"]

    def __str__(self) -> str:
        return self.original_name or f"photo {self.pk}"

    @property
    def is_ready(self) -> bool:
        return self.status == MediaStatus.READY

    def url(self, max_width: int = 640, fmt: str = "webp") -> str:
        """Return the widest ready rendition no wider than ``max_width`` (else the narrowest)."""
        paths = self.renditions.get(fmt, {}) if self.is_ready else {}
        if not paths:
            return ""
        widths = sorted(int(width) for width in paths)
        fitting = [width for width in widths if width <= max_width] or widths[:1]
        return default_storage.url(paths[str(fitting[-1])])

    @property
    def thumb_url(self) -> str:
        return self.url(320)


class HelpfulVote(models.Model):
    """One shopper found one review helpful (once; never their own)."""

    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="votes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("helpful vote")
        verbose_name_plural = _("helpful votes")
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="reviews_vote_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.review_id}"


class Question(TimeStampedModel):
    """A shopper's question about a product (상품문의) and the vendor's answer.

    A secret question and its answer are seen only by the asker, the product's vendor
    staff and platform staff; everyone else sees that a secret question exists.
    """

    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.CASCADE,
        related_name="product_questions",
    )
    text = models.TextField(_("question"))
    is_secret = models.BooleanField(_("secret"), default=False)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("product question")
        verbose_name_plural = _("product questions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["product", "-created_at"])]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
