"""The reviews app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        from reviews import listeners  # noqa: F401  (page cache, points, Q&A notifications)
        from shop import dlp

        # A card or resident number typed into a review or a question is stored masked.
        dlp.mask_free_text_on(self.get_model("Review"), "text")
        dlp.mask_free_text_on(self.get_model("Question"), "text")
