"""In-process listeners of shipping: a policy's fee shows on the product pages kept whole.

The product page prints its vendor's shipping summary, and ``shop.pagecache`` keeps that
page until something it shows changes. The catalog cannot hear shipping's events (they
are sibling apps), so shipping drops the kept pages itself, right after the change
commits: cheap and repeatable, as ``in_process=True`` listeners must be. Policy edits
are rare, so every kept page goes (a policy may be any vendor's default).
"""

from __future__ import annotations

from shipping.events import ShippingPolicyChanged, ShippingPolicyCreated, ShippingPolicyDeleted
from shop import pagecache
from shop.events import AdminObjectAdded, AdminObjectChanged, AdminObjectDeleted, listen

PolicyEvent = ShippingPolicyCreated | ShippingPolicyChanged | ShippingPolicyDeleted
AdminEvent = AdminObjectAdded | AdminObjectChanged | AdminObjectDeleted


@listen(ShippingPolicyCreated, in_process=True)
@listen(ShippingPolicyChanged, in_process=True)
@listen(ShippingPolicyDeleted, in_process=True)
def forget_pages_after_policy_change(event: PolicyEvent) -> None:
    pagecache.forget_pages()


@listen(AdminObjectAdded, in_process=True)
@listen(AdminObjectChanged, in_process=True)
@listen(AdminObjectDeleted, in_process=True)
def forget_pages_after_admin_edit(event: AdminEvent) -> None:
    """A policy or one of its rows (fee tiers, zones) edited in the admin."""
    if event.model.startswith("shipping."):
        pagecache.forget_pages()
