"""Storefront forms of orders: add to cart, checkout, guest lookup, cancel and claims.

The forms only read and tidy what the pages post; every rule (stock, prices, which
address, which transition) is checked again by ``orders.services``. No form has a
price or total field: amounts come from the catalog and the shipping engine only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.forms.renderers import Jinja2
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.models import Address
from accounts.validators import normalize_phone
from catalog.models import Variant
from catalog.services import option_key
from orders import payment_methods
from orders.models import Claim, PaymentMethod
from orders.services.placement import (
    DOMESTIC,
    LIMITS,
    clean_country,
    phone_problems,
    postcode_problems,
)
from shop.widgets import CachedOptionsSelect

RECIPIENT_FIELDS = ("recipient_name", "recipient_phone", "postcode", "road_address")


# --- Add to cart -------------------------------------------------------------------------------


def add_to_cart_input(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the keyword arguments of ``services.add_to_cart`` from the product page's form.

    The page posts ``variant`` (set by its script), ``product``, ``quantity``,
    ``addon_<id>`` (0 for none) and ``text_<id>``. Without JavaScript the option
    selects post ``option_<group id>`` instead of ``variant``; the combination is looked
    up here among the product's variants (the service checks it is for sale).
    """
    product_id = str(data.get("product") or "").strip()
    variant_id: Any = str(data.get("variant") or "").strip()
    if not variant_id and product_id.isdigit():
        values = [
            str(value).strip()
            for name, value in data.items()
            if name.startswith("option_") and str(value).strip()
        ]
        if values and all(value.isdigit() for value in values):
            found = (
                Variant.objects.filter(
                    product_id=int(product_id), option_key=option_key(int(v) for v in values)
                )
                .values_list("pk", flat=True)
                .first()
            )
            variant_id = found or ""
    addons = {}
    texts = {}
    for name, value in data.items():
        value = str(value).strip()
        if name.startswith("addon_") and value not in ("", "0"):
            addons[name.removeprefix("addon_")] = value
        elif name.startswith("text_"):
            texts[name.removeprefix("text_")] = value
    return {
        "variant_id": variant_id,
        "product_id": product_id or None,
        "quantity": data.get("quantity"),
        "addons": addons,
        "text_inputs": texts,
    }


# --- Checkout ----------------------------------------------------------------------------------


def country_choices() -> list[tuple[str, str]]:
    """Every country, Korea first, then by name in the shopper's language."""
    rest = [(code, name) for code, name in countries if code != DOMESTIC]
    return [(DOMESTIC, countries.name(DOMESTIC)), *rest]


class ContactPhoneField(forms.CharField):
    """A phone number tidied Korean-style when it looks Korean; the checkout's ``clean``
    validates it for the destination (Korean, or international abroad)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", LIMITS["recipient_phone"])
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"type": "tel", "autocomplete": "tel", "placeholder": "010-1234-5678"}
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        return value if value.startswith("+") else normalize_phone(value)


class CheckoutForm(forms.Form):
    """Orderer, recipient (a saved address or a new one, in Korea or abroad), delivery memo
    and payment.

    The destination ``country`` decides the address rules and the payment methods
    offered (``payment_methods.choices_for``): the form is built for the country posted,
    or the initial one; changing it re-renders the form (htmx, or "recalculate").
    """

    # Django's own Jinja2 renderer writes the same HTML as its template renderer (its own
    # templates; only the whitespace differs) in less time: the checkout page went from
    # 18.8 to 14.9 ms of CPU. Only this form: the admin's widgets have no Jinja2 templates.
    default_renderer = Jinja2()

    orderer_name = forms.CharField(
        label=_("Name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    orderer_email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send the order confirmation here."),
    )
    orderer_phone = ContactPhoneField(label=_("Phone"))
    country = forms.ChoiceField(
        label=_("Country"),
        choices=country_choices,
        required=False,
        initial=DOMESTIC,
        widget=CachedOptionsSelect(country_choices, attrs={"autocomplete": "country"}),
    )
    address_id = forms.ChoiceField(
        label=_("Delivery address"), required=False, widget=forms.RadioSelect
    )
    recipient_name = forms.CharField(label=_("Recipient"), max_length=100, required=False)
    recipient_phone = ContactPhoneField(label=_("Recipient phone"), required=False)
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=LIMITS["postcode"],
        required=False,
        help_text=_("The 5-digit postcode (우편번호)."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code", "pattern": "[0-9]{5}"}
        ),
    )
    road_address = forms.CharField(
        label=_("Road address"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    detail_address = forms.CharField(
        label=_("Detail address"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    delivery_memo = forms.CharField(
        label=_("Delivery memo"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Leave it at the door")}),
    )
    payment_method = forms.ChoiceField(
        label=_("Payment method"),
        choices=(),  # the methods offered for the country and shopper, set in __init__
        initial=PaymentMethod.BANK_TRANSFER,
        widget=forms.RadioSelect,
    )
    depositor_name = forms.CharField(
        label=_("Depositor name"),
        max_length=100,
        required=False,
        help_text=_("The name the bank transfer will come from; the orderer's if empty."),
    )
    # One of the member's coupons (by id) and the points to use; the summary shows what
    # they take off, or why they cannot be used. The service checks both again.
    coupon = forms.CharField(label=_("Coupon"), max_length=20, required=False)
    points = forms.CharField(
        label=_("Points to use"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(
        self, *args: Any, addresses: Iterable[Address] = (), user: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.country = self.quote_country(self.data if self.is_bound else self.initial)
        choices = payment_methods.choices_for(country=self.country, user=user)
        self.fields["payment_method"].choices = choices
        offered = [value for value, _label in choices]
        self.offers_bank_transfer = PaymentMethod.BANK_TRANSFER in offered
        self.country_is_domestic = self.country == DOMESTIC
        if (
            offered
            and self.initial.get("payment_method", self.fields["payment_method"].initial)
            not in offered
        ):
            self.initial["payment_method"] = offered[0]
        # Only the shopper's own addresses are choices: any other id is a field error.
        self.addresses = {str(address.pk): address for address in addresses}
        self.fields["address_id"].choices = [
            *((pk, address_label(address)) for pk, address in self.addresses.items()),
            ("", _("A new address")),
        ]
        if self.country != DOMESTIC:
            self.for_abroad()
        # With htmx, a new postcode or another saved address re-quotes the summary at once;
        # without it, the "recalculate" button does the same. Another country re-renders
        # the whole form: its address fields and payment methods change too.
        requote = {
            "hx-post": reverse("orders:checkout_summary"),
            "hx-trigger": "change",
            "hx-target": "#checkout-summary",
            "hx-swap": "outerHTML",
            "hx-include": "closest form",
        }
        for name in ("postcode", "address_id", "coupon", "points"):
            self.fields[name].widget.attrs.update(requote)
        self.fields["country"].widget.attrs.update(
            {
                "hx-post": reverse("orders:checkout"),
                "hx-trigger": "change",
                "hx-target": "closest form",
                "hx-select": "form.checkout",
                "hx-swap": "outerHTML",
                "hx-include": "closest form",
                "hx-vals": '{"action": "recalculate"}',
            }
        )

    def for_abroad(self) -> None:
        """Label the address fields as addresses abroad are written."""
        postcode = self.fields["postcode"]
        postcode.label = _("Postal code")
        postcode.help_text = _("The ZIP or postal code, if the country uses one.")
        postcode.widget.attrs = {"autocomplete": "postal-code"}
        self.fields["road_address"].label = _("Address line 1")
        self.fields["road_address"].help_text = _("Street and number, city, state or province.")
        self.fields["detail_address"].label = _("Address line 2")
        self.fields["detail_address"].help_text = _("Apartment, suite, building (optional).")
        phone = self.fields["recipient_phone"]
        phone.help_text = _("With the country code, for the carrier: e.g. +1 415 555 0100.")
        phone.widget.attrs["placeholder"] = "+1 415 555 0100"
        self.fields["address_id"].help_text = _("Saved addresses are in Korea.")

    def clean_country(self) -> str:
        try:
            return clean_country(self.cleaned_data.get("country"))
        except ValueError:
            raise forms.ValidationError(_("Choose a country from the list.")) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        country = cleaned.get("country") or DOMESTIC
        abroad = country != DOMESTIC
        if cleaned.get("address_id"):
            if abroad and "address_id" not in self.errors:
                self.add_error(
                    "address_id",
                    _("Saved addresses are in Korea: choose “A new address” for delivery abroad."),
                )
        else:
            for name in RECIPIENT_FIELDS:
                if name == "postcode" and abroad:
                    continue  # some countries have none
                if name not in self.errors and not cleaned.get(name):
                    self.add_error(name, _("This field is required."))
        for name in ("orderer_phone", "recipient_phone"):
            value = cleaned.get(name)
            if value and name not in self.errors:
                problems = phone_problems(
                    value, country=country, recipient=name == "recipient_phone"
                )
                for problem in problems:
                    self.add_error(name, problem)
        postcode = cleaned.get("postcode")
        if postcode and "postcode" not in self.errors and not cleaned.get("address_id"):
            for problem in postcode_problems(postcode.strip(), country=country):
                self.add_error("postcode", problem)
        return cleaned

    def details(self) -> dict[str, str]:
        """Return the fields the placement service reads, and only those."""
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}

    @staticmethod
    def quote_country(data: Mapping[str, Any]) -> str:
        """Return the country in ``data`` to quote for (Korea when missing or unknown)."""
        try:
            return clean_country(data.get("country"))
        except ValueError:
            return DOMESTIC

    def quote_postcode(self, data: Mapping[str, Any]) -> str:
        """Return the postcode to quote for: the chosen address's, or the one typed in ``data``.

        Abroad the postcode does not change the fee (the zone does): it is kept for display.
        """
        if self.quote_country(data) != DOMESTIC:
            return " ".join(str(data.get("postcode") or "").upper().split())[: LIMITS["postcode"]]
        address = self.addresses.get(str(data.get("address_id") or ""))
        if address is not None:
            return address.postcode
        postcode = str(data.get("postcode") or "").strip()
        return postcode if len(postcode) == 5 and postcode.isdigit() else ""


def address_label(address: Address) -> str:
    name = f"[{address.label}] " if address.label else ""
    return f"{name}{address.recipient} · ({address.postcode}) {address.road_address} {address.detail_address}".strip()


# --- Guest lookup ------------------------------------------------------------------------------


class GuestLookupForm(forms.Form):
    """A guest order's number with the orderer's e-mail and phone.

    Both contact details are asked for (as the API does): the number travels on parcels
    and in e-mails, so one detail more is not much of a proof.
    """

    number = forms.CharField(
        label=_("Order number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(label=_("Orderer e-mail"), max_length=254)
    phone = forms.CharField(
        label=_("Orderer phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def clean_number(self) -> str:
        return "".join(self.cleaned_data["number"].split()).upper()

    def clean_phone(self) -> str:
        digits = "".join(ch for ch in self.cleaned_data["phone"] if ch.isdigit())
        if not digits:
            raise forms.ValidationError(_("Enter the phone number given with the order."))
        return digits


# --- After placement ---------------------------------------------------------------------------


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=200, required=False)


class ClaimForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Request"), choices=Claim.Kind.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


def quantities_from(data: Mapping[str, Any], prefix: str) -> dict[str, str]:
    """Return ``{line id: quantity}`` from fields named ``<prefix><line id>``, zeros left out.

    Values are passed on as typed: the service refuses a bad one naming ``lines.<id>``.
    """
    found = {}
    for name, value in data.items():
        value = str(value).strip()
        if name.startswith(prefix) and value not in ("", "0"):
            found[name.removeprefix(prefix)] = value
    return found
