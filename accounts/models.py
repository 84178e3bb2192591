"""The shop's user (e-mail login, name, phone) and shipping addresses."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from shop.models import TimeStampedModel

postcode_validator = RegexValidator(r"^\d{5}$", _("Enter the 5-digit postcode (우편번호)."))
phone_validator = RegexValidator(
    r"^0\d{1,2}-?\d{3,4}-?\d{4}$", _("Enter a phone number such as 010-1234-5678.")
)


class EmailUserManager(UserManager):
    """Create users keyed by e-mail; there is no username."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(
        self, email: str, password: str | None = None, **extra_fields: object
    ) -> "User":  # type: ignore[override]
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(
        self, email: str, password: str | None = None, **extra_fields: object
    ) -> "User":  # type: ignore[override]
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A shopper, staff member or vendor staff member, who signs in with an e-mail address."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])

    objects = EmailUserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name or self.email


class Address(TimeStampedModel):
    """A Korean delivery address saved by a member; at most one is the default."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(
        _("label"), max_length=50, blank=True, help_text=_("e.g. Home, Office")
    )
    recipient = models.CharField(_("recipient"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, validators=[phone_validator])
    postcode = models.CharField(_("postcode"), max_length=5, validators=[postcode_validator])
    road_address = models.CharField(_("road address"), max_length=255)
    detail_address = models.CharField(_("detail address"), max_length=255, blank=True)
    is_default = models.BooleanField(_("default address"), default=False)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_default", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default=True),
                name="one_default_address_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(postcode__regex=r"^[0-9]{5}$"), name="address_postcode_5_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"({self.postcode}) {self.road_address} {self.detail_address}".strip()
