"""Events of the vendors app: applications, status changes, exports and settlements."""

from __future__ import annotations

from dataclasses import dataclass

from shop.events import Event


@dataclass(frozen=True, kw_only=True)
class VendorApplied(Event):
    """A user applied to sell on the shop; the vendor waits for staff approval."""

    subject_model = "vendors.Vendor"
    subject_field = "vendor_id"

    vendor_id: int
    vendor_name: str  # not "name": that is the event's own name
    applicant_id: int


@dataclass(frozen=True, kw_only=True)
class VendorStatusChanged(Event):
    """Base of the status events: ``before`` and ``after`` are status values."""

    subject_model = "vendors.Vendor"
    subject_field = "vendor_id"

    vendor_id: int
    before: str
    after: str
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class VendorApproved(VendorStatusChanged):
    """Staff approved a vendor (or lifted its suspension): it may sell."""


@dataclass(frozen=True, kw_only=True)
class VendorSuspended(VendorStatusChanged):
    """Staff suspended a vendor: its seller center is closed to it until re-opened."""


@dataclass(frozen=True, kw_only=True)
class VendorClosed(VendorStatusChanged):
    """Staff closed a vendor (or rejected its application)."""


@dataclass(frozen=True, kw_only=True)
class VendorReopened(VendorStatusChanged):
    """Staff re-opened a suspended vendor (approved again) or a closed one (applied again)."""


@dataclass(frozen=True, kw_only=True)
class CommissionRateChanged(Event):
    """Staff changed a vendor's commission rate; rates are percent as text."""

    subject_model = "vendors.Vendor"
    subject_field = "vendor_id"

    vendor_id: int
    before: str
    after: str


@dataclass(frozen=True, kw_only=True)
class DataExported(Event):
    """Someone downloaded rows in bulk (CSV); bulk reads are audited like writes."""

    model: str
    row_count: int
    fields: list[str]
    vendor_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class LedgerEntriesBooked(Event):
    """Lines entered a vendor's settlement ledger for one cause (a sale, a refund...).

    ``amounts`` maps each entry kind to its signed amount as text; ``source`` is the
    entries' source uuid.
    """

    subject_model = "vendors.Vendor"
    subject_field = "vendor_id"

    vendor_id: int
    source: str
    cause: str
    amounts: dict[str, str]
    order_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class SettlementDrafted(Event):
    """A settlement run created a vendor's draft statement or added late entries to it."""

    subject_model = "vendors.Settlement"
    subject_field = "settlement_id"

    settlement_id: int
    vendor_id: int
    period_start: str
    period_end: str
    created: bool
    entries_added: int
    payout: str


@dataclass(frozen=True, kw_only=True)
class SettlementStatusChanged(Event):
    """A statement moved between draft, confirmed, paid and held."""

    subject_model = "vendors.Settlement"
    subject_field = "settlement_id"

    settlement_id: int
    vendor_id: int
    before: str
    after: str
    note: str = ""
