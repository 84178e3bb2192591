"""The media rows of a product: an ordered gallery of images and videos and their renditions.

Imported by ``catalog.models`` so Django registers ``ProductMedia`` in the catalog app.
The original is stored as uploaded; a Celery task on the ``media`` queue fills in the
renditions (or the transcoded video and poster) and moves the row from pending to
ready, or to failed with the reason shown in the admin.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shop.models import TimeStampedModel


class MediaKind(models.TextChoices):
    IMAGE = "image", _("Image")
    VIDEO = "video", _("Video")


class MediaStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PROCESSING = "processing", _("Processing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ProductMedia(TimeStampedModel):
    """One image or video of a product's gallery, optionally shown for one variant only."""

    Kind = MediaKind
    Status = MediaStatus

    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        on_delete=models.CASCADE,
        related_name="media",
    )
    variant = models.ForeignKey(
        "catalog.Variant",
        verbose_name=_("variant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="media",
        help_text=_("Show this only when the variant is selected; empty: for every variant."),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=MediaKind.choices)
    original = models.FileField(_("original file"), upload_to="catalog/originals/", max_length=255)
    original_name = models.CharField(_("uploaded file name"), max_length=255, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    alt_text = models.CharField(_("alternative text"), max_length=255, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MediaStatus.choices,
        default=MediaStatus.PENDING,
        db_index=True,
    )
    failure_reason = models.TextField(_("failure reason"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("processing attempts"), default=0)
    # {"320": {"webp": "path", "width": 320, "height": 240}, ..., "jpeg": {...}}; a video
    # has {"mp4": {"path": ..., "width": ..., "height": ...}}.
    renditions = models.JSONField(_("renditions"), default=dict, blank=True)
    poster = models.CharField(_("poster frame"), max_length=255, blank=True)
    duration = models.FloatField(_("duration in seconds"), null=True, blank=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        app_label = "catalog"
        verbose_name = _("product media")
        verbose_name_plural = _("product media")
        ordering = ("product", "position", "id")
        indexes = [models.Index(fields=["product", "position"], name="catalog_media_gallery")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MediaKind.values), name="catalog_media_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MediaStatus.values), name="catalog_media_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.alt_text or self.original_name or f"{self.kind} {self.pk}"

    @property
    def is_ready(self) -> bool:
        return self.status == MediaStatus.READY

    def image_urls(self, fmt: str = "webp") -> dict[int, str]:
        """Return ``{width: url}`` of the ready renditions in ``fmt``, narrowest first."""
        paths = self.renditions.get(fmt, {}) if self.is_ready else {}
        return {int(width): default_storage.url(paths[width]) for width in sorted(paths, key=int)}

    def srcset(self, fmt: str = "webp") -> str:
        """Return an HTML ``srcset`` value, e.g. "/media/.../320.webp 320w, ..."."""
        return ", ".join(f"{url} {width}w" for width, url in self.image_urls(fmt).items())

    def url(self, max_width: int | None = None, fmt: str = "webp") -> str:
        """Return the widest rendition no wider than ``max_width`` (any if none is), or ""."""
        return widest_within(self.image_urls(fmt), max_width)

    @property
    def video_url(self) -> str:
        paths = self.renditions.get("mp4", {}) if self.is_ready else {}
        return default_storage.url(next(iter(paths.values()))) if paths else ""

    @property
    def poster_url(self) -> str:
        return default_storage.url(self.poster) if self.is_ready and self.poster else ""


def widest_within(urls: dict[int, str], max_width: int | None) -> str:
    """Return the URL of the widest of ``urls`` ({width: url}) no wider than ``max_width``
    (the narrowest if none fits, any if ``max_width`` is None), or "" when there is none."""
    if not urls:
        return ""
    fitting = [width for width in urls if max_width is None or width <= max_width]
    return urls[max(fitting) if fitting else min(urls)]
