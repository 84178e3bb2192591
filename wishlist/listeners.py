"""Stock coming back sends the restock alerts waiting for it.

Three catalog events can mean "back in stock": a stock movement from zero
(``StockChanged``), a variant grid edit raising a stock from zero (``ProductChanged``),
and a product leaving "sold out" (``ProductStatusChanged``). Each listener is safe to run
twice: the service claims every request once.
"""

from __future__ import annotations

import re

from catalog.events import ProductChanged, ProductStatusChanged, StockChanged
from catalog.models import Status
from shop.events import listen
from wishlist import services

GRID_STOCK = re.compile(r"^variants\.(\d+)\.stock$")


@listen(StockChanged)
def alert_on_stock_from_zero(event: StockChanged) -> None:
    if event.stock > 0 and event.stock - event.delta <= 0:
        services.send_restock_alerts(variant_ids=[event.variant_id])


@listen(ProductChanged)
def alert_on_grid_stock_from_zero(event: ProductChanged) -> None:
    restocked = []
    for key, change in event.changes.items():
        match = GRID_STOCK.match(key)
        if match and not change[0] and (change[1] or 0) > 0:
            restocked.append(int(match.group(1)))
    if restocked:
        services.send_restock_alerts(variant_ids=restocked)


@listen(ProductStatusChanged)
def alert_on_back_on_sale(event: ProductStatusChanged) -> None:
    if event.new_status == Status.ON_SALE:
        services.send_restock_alerts(product_id=event.product_id)
