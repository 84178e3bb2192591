"""The shop's user (e-mail login, name, phone), shipping addresses and member grades."""

from decimal import Decimal

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
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
    # The member's grade, recomputed by accounts.services.recompute_grades; None until
    # the first run, which member_benefits reads as the default grade.
    grade = models.ForeignKey(
        "accounts.MemberGrade",
        verbose_name=_("member grade"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    grade_changed_at = models.DateTimeField(_("grade changed at"), null=True, blank=True)
    # Consents (개인정보 보호법 제22조): each required one is given at signup and dated;
    # marketing is optional, its date is that of the last change (given or withdrawn).
    terms_agreed_at = models.DateTimeField(_("terms agreed at"), null=True, blank=True)
    privacy_agreed_at = models.DateTimeField(_("privacy policy agreed at"), null=True, blank=True)
    marketing_opt_in = models.BooleanField(_("marketing messages"), default=False)
    marketing_consent_at = models.DateTimeField(
        _("marketing consent changed at"), null=True, blank=True
    )

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


class MemberGrade(models.Model):
    """A membership level (회원등급) and its benefits, earned by confirmed purchases.

    A member holds the highest grade whose thresholds they reach over the last
    ``ACCOUNTS_GRADE_WINDOW_MONTHS`` months; a threshold of 0 does not count, so staff set
    a grade by count, by amount, or by both. The grade with the lowest ``position`` is
    the default one every member starts with.
    """

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)
    position = models.PositiveSmallIntegerField(
        _("order"), unique=True, help_text=_("Higher grades have a higher number.")
    )
    min_purchase_count = models.PositiveIntegerField(_("minimum confirmed purchases"), default=0)
    min_purchase_amount = models.DecimalField(
        _("minimum confirmed amount (KRW)"), max_digits=12, decimal_places=0, default=0
    )
    discount_rate = models.DecimalField(
        _("discount rate"),
        max_digits=5,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(Decimal("0.5"))],
        help_text=_("A fraction: 0.01 is 1%."),
    )
    point_rate = models.DecimalField(
        _("point rate"),
        max_digits=5,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(Decimal("0.5"))],
        help_text=_("Points earned per won paid, a fraction: 0.01 is 1%."),
    )

    class Meta:
        verbose_name = _("member grade")
        verbose_name_plural = _("member grades")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class ConfirmedPurchase(models.Model):
    """One vendor's part of a member's order whose purchase became final, for the grades.

    Accounts may not read orders (it is lower in the layers); the orders app's listener
    copies each confirmation here. ``(order_id, vendor_id)`` is unique, so a listener
    running twice counts once; a later refund lowers ``amount``.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="confirmed_purchases")
    order_id = models.PositiveBigIntegerField(_("order id"))
    vendor_id = models.PositiveBigIntegerField(_("vendor id"))
    amount = models.DecimalField(_("amount (KRW)"), max_digits=12, decimal_places=0)
    confirmed_at = models.DateTimeField(_("confirmed at"), db_index=True)

    class Meta:
        verbose_name = _("confirmed purchase")
        verbose_name_plural = _("confirmed purchases")
        constraints = [
            models.UniqueConstraint(
                fields=["order_id", "vendor_id"], name="one_confirmed_purchase_per_vendor_part"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.order_id}/{self.vendor_id}: {self.amount}"


class IdentityVerification(models.Model):
    """The result of a member's identity verification (본인인증), the latest one.

    Only what the shop needs is kept: the verified name, birth date and phone (for the
    age gate and a vendor owner's record) and the person's CI and DI as keyed hashes
    (HMAC with ACCOUNTS_IDENTITY_HASH_KEY), so they can be matched but never read back
    or reused elsewhere. A resident registration number is never asked for or stored.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="identity")
    provider = models.CharField(_("provider"), max_length=30)
    method = models.CharField(_("method"), max_length=20, default="phone")
    name = models.CharField(_("verified name"), max_length=100)
    birth_date = models.DateField(_("verified birth date"))
    phone = models.CharField(_("verified phone"), max_length=20)
    ci_hash = models.CharField(_("CI (keyed hash)"), max_length=64, db_index=True)
    di_hash = models.CharField(_("DI (keyed hash)"), max_length=64)
    verified_at = models.DateTimeField(_("verified at"))

    class Meta:
        verbose_name = _("identity verification")
        verbose_name_plural = _("identity verifications")

    def __str__(self) -> str:
        return f"{self.user} ({self.provider}, {self.verified_at:%Y-%m-%d})"
