import os

import httpx
from django.conf import settings

from orders.events import OrderPaid
from shop.extend import listen


@listen(OrderPaid)
def tell_the_team(event: OrderPaid) -> None:
    """Post the paid order to the KakaoWork chat room of the bot's incoming webhook."""
    url = getattr(settings, "KAKAOWORK_WEBHOOK_URL", "") or os.environ.get(
        "SHOP_KAKAOWORK_WEBHOOK_URL", ""
    )
    if not url:
        return
    text = f"결제 완료: 주문 {event.number}, {int(event.amount):,}원 ({event.payment_method})"
    # An error raises: the shop retries the listener later, and never runs it twice
    # once it succeeded for this event.
    httpx.post(url, json={"text": text}, timeout=5).raise_for_status()
