"""Events of shipping: policy and remote-area changes, each with before and after values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shop.events import Event


@dataclass(frozen=True, kw_only=True)
class ShippingPolicyCreated(Event):
    """A vendor's shipping policy was created; ``changes`` holds ``{field: [None, value]}``.

    ``demoted_policy_id`` is the vendor's former default when the new policy replaced it.
    """

    subject_model = "shipping.ShippingPolicy"
    subject_field = "policy_id"

    policy_id: int
    vendor_id: int
    changes: dict[str, list[Any]]
    demoted_policy_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class ShippingPolicyChanged(Event):
    """A shipping policy changed: ``changes`` is ``{field: [before, after]}``.

    Future quotes use the new values; placed orders keep the quote they were placed with.
    ``demoted_policy_id`` is the vendor's former default when this one became the default.
    """

    subject_model = "shipping.ShippingPolicy"
    subject_field = "policy_id"

    policy_id: int
    vendor_id: int
    changes: dict[str, list[Any]]
    demoted_policy_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class ShippingPolicyDeleted(Event):
    """A shipping policy was deleted; ``changes`` holds ``{field: [value, None]}``."""

    subject_model = "shipping.ShippingPolicy"
    subject_field = "policy_id"

    policy_id: int
    vendor_id: int
    changes: dict[str, list[Any]]


@dataclass(frozen=True, kw_only=True)
class RemoteAreaCreated(Event):
    """Staff added a remote-area postcode range; ``changes`` holds ``{field: [None, value]}``."""

    subject_model = "shipping.RemoteArea"
    subject_field = "remote_area_id"

    remote_area_id: int
    changes: dict[str, list[Any]]


@dataclass(frozen=True, kw_only=True)
class RemoteAreaChanged(Event):
    """Staff changed a remote-area range: ``changes`` is ``{field: [before, after]}``."""

    subject_model = "shipping.RemoteArea"
    subject_field = "remote_area_id"

    remote_area_id: int
    changes: dict[str, list[Any]]


@dataclass(frozen=True, kw_only=True)
class RemoteAreaDeleted(Event):
    """Staff removed a remote-area range; ``changes`` holds ``{field: [value, None]}``."""

    subject_model = "shipping.RemoteArea"
    subject_field = "remote_area_id"

    remote_area_id: int
    changes: dict[str, list[Any]]
