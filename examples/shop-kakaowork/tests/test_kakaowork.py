import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.db import transaction

from orders.events import OrderPaid
from shop.extend import publish


@pytest.fixture
def chat_room():
    """A stand-in for KakaoWork's incoming webhook: it keeps what it was sent."""
    received = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/bots/hook/test", received
    server.shutdown()


@pytest.mark.django_db(transaction=True)
def test_a_paid_order_is_posted_to_the_chat_room(chat_room, settings):
    settings.KAKAOWORK_WEBHOOK_URL, received = chat_room
    paid = OrderPaid(
        order_id=1, number="K7Q2", payment_method="kakaopay", amount="15000", paid_at=""
    )

    with transaction.atomic():
        publish(paid)

    assert received == [{"text": "결제 완료: 주문 K7Q2, 15,000원 (kakaopay)"}]
