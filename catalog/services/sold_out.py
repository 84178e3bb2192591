"""Automatic sold out: a product whose active variants all reach zero stock is sold out,
and comes back on sale when stock returns, unless a merchant marked it sold out.

Telling the two "sold out"s apart needs no column: every status change publishes
``ProductStatusChanged`` with ``automatic`` set when this rule made it, and the audit
log is append-only, so the product's latest status event says who decided.

Selling is the hot path (``take_stock`` runs in the order transaction, under
contention), so marking sold out is one conditional UPDATE that locks a product row
only when it matches. Bringing a product back reads the audit log, which happens only
when stock returns to a sold-out product, a rare event.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django.db import connection
from django.utils import timezone

from catalog.events import ProductStatusChanged
from catalog.models import Product, Variant
from shop.events import publish
from shop.models import AuditEvent


def mark_sold_out(
    *, product_ids: Collection[int] = (), variant_ids: Collection[int] = ()
) -> list[int]:
    """Make sold out each on-sale product (given, or owning a given variant) with no active
    variant left in stock; publish the change and return the ids of the products flipped.

    Call it inside the transaction that moved the stock: the NOT EXISTS then sees that
    transaction's own decrements.
    """
    if not product_ids and not variant_ids:
        return []
    product_table = connection.ops.quote_name(Product._meta.db_table)
    variant_table = connection.ops.quote_name(Variant._meta.db_table)
    owners = []
    params: list[object] = [
        Product.Status.SOLD_OUT,
        connection.ops.adapt_datetimefield_value(timezone.now()),
        Product.Status.ON_SALE,
    ]
    if product_ids:
        owners.append(f"id IN ({', '.join(['%s'] * len(product_ids))})")
        params.extend(sorted(product_ids))
    if variant_ids:
        placeholders = ", ".join(["%s"] * len(variant_ids))
        subquery = f"SELECT product_id FROM {variant_table} WHERE id IN ({placeholders})"  # noqa: S608  # nosec B608  # quoted table name, %s placeholders
        owners.append(f"id IN ({subquery})")
        params.extend(sorted(variant_ids))
    params.append(True)
    # RETURNING (PostgreSQL, SQLite 3.35+) names the flipped rows without a second query.
    sql = f"""
        UPDATE {product_table} SET status = %s, updated_at = %s
        WHERE status = %s AND deleted_at IS NULL AND ({" OR ".join(owners)})
          AND NOT EXISTS (
              SELECT 1 FROM {variant_table} v
              WHERE v.product_id = {product_table}.id AND v.is_active = %s AND v.stock > 0
          )
        RETURNING id, vendor_id
    """  # noqa: S608 (table names are ours; every value is a parameter)  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        flipped = sorted(cursor.fetchall())
    for product_id, vendor_id in flipped:
        publish(
            ProductStatusChanged(
                product_id=product_id,
                vendor_id=vendor_id,
                old_status=Product.Status.ON_SALE,
                new_status=Product.Status.SOLD_OUT,
                automatic=True,
            )
        )
    return [product_id for product_id, _vendor_id in flipped]


def return_to_sale(*, product_ids: Iterable[int]) -> list[int]:
    """Put back on sale each product the stock rule made sold out that has stock again;
    a merchant's own "sold out" stays. Return the ids of the products flipped."""
    ids = sorted(set(product_ids))
    if not ids:
        return []
    restocked = list(
        Product.objects.filter(
            pk__in=ids,
            status=Product.Status.SOLD_OUT,
            variants__is_active=True,
            variants__stock__gt=0,
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    if not restocked:
        return []
    flipped = []
    for product_id in sorted(restocked):
        if not _sold_out_automatically(product_id):
            continue
        updated = Product.objects.filter(pk=product_id, status=Product.Status.SOLD_OUT).update(
            status=Product.Status.ON_SALE, updated_at=timezone.now()
        )
        if updated:
            vendor_id = Product.objects.filter(pk=product_id).values_list("vendor_id", flat=True)[0]
            publish(
                ProductStatusChanged(
                    product_id=product_id,
                    vendor_id=vendor_id,
                    old_status=Product.Status.SOLD_OUT,
                    new_status=Product.Status.ON_SALE,
                    automatic=True,
                )
            )
            flipped.append(product_id)
    return flipped


def sync_sold_out(*, product_ids: Iterable[int]) -> None:
    """Apply the rule both ways after stock was set by hand (adjustment, variant grid)."""
    ids = set(product_ids)
    mark_sold_out(product_ids=ids)
    return_to_sale(product_ids=ids)


def _sold_out_automatically(product_id: int) -> bool:
    """Whether the product's latest status change was this rule making it sold out."""
    payload = (
        AuditEvent.objects.filter(
            subject_type=Product._meta.label,
            subject_id=str(product_id),
            event_type=ProductStatusChanged.name,
        )
        .order_by("-id")
        .values_list("payload", flat=True)
        .first()
    )
    return bool(
        payload
        and payload.get("automatic")
        and payload.get("new_status") == Product.Status.SOLD_OUT
    )
