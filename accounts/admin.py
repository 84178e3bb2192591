"""Members and their addresses in the merchant admin; every edit is an audit event.

Saves go through ``AuditedModelAdmin``, which redacts fields named like
``password`` (the creation form's password1/password2 never reach the log, and the
change form's hash field is read-only). A password set by staff publishes
``accounts.PasswordChanged`` with no value.
"""

from __future__ import annotations

from typing import Any

from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.socialaccount.admin import SocialAccountAdmin, SocialAppAdmin, SocialTokenAdmin
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import ModelForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from accounts import services
from accounts.models import Address, ConfirmedPurchase, IdentityVerification, MemberGrade, User
from accounts.services.staff_rights import grant_refusals, may_manage
from shop.admin import AuditedModelAdmin


def _clean_unique_email(form: Any) -> str:
    """Return the form's e-mail lowercased; refuse one another member has in any case."""
    email = form.cleaned_data["email"].strip().lower()
    others = User.objects.filter(email__iexact=email).exclude(pk=form.instance.pk)
    if others.exists():
        raise ValidationError(_("A user with this e-mail address already exists."))
    return email


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "name", "phone"]

    def clean_email(self) -> str:
        return _clean_unique_email(self)


def added(form: Any, field: str) -> list[Any]:
    """Return the rows the form adds to a many-to-many field, not the ones already there."""
    chosen = form.cleaned_data.get(field) or []
    before = set(getattr(form.instance, field).all()) if form.instance.pk else set()
    return [row for row in chosen if row not in before]


class UserEditForm(UserChangeForm):
    actor: User | None = None  # the staff member editing; UserAdmin.get_form sets it

    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        return _clean_unique_email(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.actor is not None:
            refusals = grant_refusals(
                self.actor,
                make_superuser=bool(cleaned.get("is_superuser"))
                and not self.initial.get("is_superuser"),
                permissions=added(self, "user_permissions"),
                groups=added(self, "groups"),
            )
            if refusals:
                raise ValidationError(refusals)
        return cleaned


class GroupEditForm(ModelForm):
    actor: User | None = None  # the staff member editing; AuditedGroupAdmin.get_form sets it

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.actor is not None:
            refusals = grant_refusals(self.actor, permissions=added(self, "permissions"))
            if refusals:
                raise ValidationError(refusals)
        return cleaned


def form_for_actor(form: type, request: Any) -> type:
    """Return ``form`` bound to the signed-in staff member, whose own rights limit grants."""
    return type(form.__name__, (form,), {"actor": request.user})


class AuditedPasswordChangeForm(AdminPasswordChangeForm):
    """Django's admin password form that also records the change, in one transaction."""

    def save(self, commit: bool = True) -> Any:
        with transaction.atomic():
            user = super().save(commit=commit)
            services.record_password_change(user_id=user.pk, method="admin")
        return user


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0
    fields = [
        "label",
        "recipient",
        "phone",
        "postcode",
        "road_address",
        "detail_address",
        "is_default",
    ]


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    change_password_form = AuditedPasswordChangeForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("name", "phone")}),
        (_("Membership"), {"fields": ("grade", "grade_changed_at")}),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "name", "phone", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ["email", "name", "phone", "grade", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "grade", "groups"]
    list_select_related = ["grade"]
    search_fields = ["email", "name", "phone"]
    ordering = ["email"]
    readonly_fields = ["last_login", "date_joined", "grade_changed_at"]
    inlines = [AddressInline]

    def get_inlines(self, request: Any, obj: User | None) -> list[type[admin.TabularInline]]:
        # Addresses are added once the member exists, as on Django's own two-step user form.
        return self.inlines if obj is not None else []

    def get_form(self, request: Any, obj: User | None = None, **kwargs: Any) -> type:
        form = super().get_form(request, obj, **kwargs)
        return form_for_actor(form, request) if obj is not None else form

    def has_change_permission(self, request: Any, obj: User | None = None) -> bool:
        return super().has_change_permission(request, obj) and may_manage(request.user, obj)

    def has_delete_permission(self, request: Any, obj: User | None = None) -> bool:
        return super().has_delete_permission(request, obj) and may_manage(request.user, obj)


@admin.register(Address)
class AddressAdmin(AuditedModelAdmin):
    list_display = ["__str__", "user", "recipient", "phone", "is_default", "updated_at"]
    list_filter = ["is_default"]
    search_fields = ["user__email", "recipient", "phone", "postcode", "road_address"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(MemberGrade)
class MemberGradeAdmin(AuditedModelAdmin):
    """Grades and their benefits; members move between them at the next daily recompute."""

    list_display = [
        "position",
        "code",
        "name",
        "min_purchase_count",
        "min_purchase_amount",
        "discount_rate",
        "point_rate",
    ]
    list_display_links = ["code", "name"]
    actions = ["recompute_now"]

    @admin.action(description=_("Recompute every member's grade now"))
    def recompute_now(self, request: Any, queryset: Any) -> None:
        changed = services.recompute_grades()
        self.message_user(
            request,
            ngettext("%(count)d member changed grade.", "%(count)d members changed grade.", changed)
            % {"count": changed},
        )


@admin.register(ConfirmedPurchase)
class ConfirmedPurchaseAdmin(AuditedModelAdmin):
    """The confirmed purchases the grades are earned by, copied from orders: read only."""

    list_display = ["user", "order_id", "vendor_id", "amount", "confirmed_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "=order_id"]
    date_hierarchy = "confirmed_at"

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(IdentityVerification)
class IdentityVerificationAdmin(AuditedModelAdmin):
    """Who verified their identity, how and when: read only (only the provider verifies).

    The CI/DI hashes are not shown: they serve matching, never reading.
    """

    list_display = ["user", "name", "birth_date", "provider", "method", "verified_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "name", "phone"]
    fields = ["user", "name", "birth_date", "phone", "provider", "method", "verified_at"]
    readonly_fields = fields

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


# The libraries' own admins, re-registered so staff edits of them are audited too.
admin.site.unregister(EmailAddress)
admin.site.unregister(TokenProxy)
admin.site.unregister(Group)
admin.site.unregister(SocialApp)
admin.site.unregister(SocialAccount)
admin.site.unregister(SocialToken)


@admin.register(EmailAddress)
class AuditedEmailAddressAdmin(AuditedModelAdmin, EmailAddressAdmin):
    pass


@admin.register(TokenProxy)
class AuditedTokenAdmin(AuditedModelAdmin, TokenAdmin):
    """API tokens; the key never enters the audit payload (fields named 'key' are redacted)."""


@admin.register(Group)
class AuditedGroupAdmin(AuditedModelAdmin, GroupAdmin):
    """Permission groups: who may do what in the admin is itself audited (AC-07).

    Nobody but a superuser gives a group a permission they do not hold themselves.
    """

    form = GroupEditForm

    def get_form(self, request: Any, obj: Group | None = None, **kwargs: Any) -> type:
        return form_for_actor(super().get_form(request, obj, **kwargs), request)


@admin.register(SocialApp)
class AuditedSocialAppAdmin(AuditedModelAdmin, SocialAppAdmin):
    """Kakao and Naver login apps; the client secret is redacted like every 'secret' field."""


@admin.register(SocialAccount)
class AuditedSocialAccountAdmin(AuditedModelAdmin, SocialAccountAdmin):
    """Which Kakao or Naver account is linked to whom: unlinking one here is audited."""


@admin.register(SocialToken)
class AuditedSocialTokenAdmin(AuditedModelAdmin, SocialTokenAdmin):
    pass
