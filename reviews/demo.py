"""Demo reviews and questions, so ``make run`` shows ratings, photos and Q&A.

The demo shopper buys two demo products through the orders services (bank transfer,
deposit seen, shipped, delivered, purchase confirmed) and reviews them, one with a
photo; two questions wait on products, one answered by its vendor, one secret. Nothing
is made again once the demo shopper has a review or a question.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from django.core.files import File

from accounts.demo import SHOPPER_EMAIL
from accounts.models import User
from catalog.models import Product
from orders import selectors as order_selectors
from orders import services as orders
from orders.models import OrderLine
from reviews import services
from reviews.models import Question, Review
from shop.audit import Actor, acting_as
from shop.exceptions import ShopError
from vendors.models import VendorMembership

DEMO_MEDIA = Path(__file__).resolve().parent.parent / "catalog" / "demo_media"
# product slug, rating, text, photo in catalog/demo_media (or "")
REVIEWS = [
    (
        "jeju-blend-coffee-beans",
        5,
        "향이 정말 좋아요. 아침마다 핸드드립으로 내려 마시는데 산미가 적당하고 고소합니다. "
        "배송도 빨랐어요!",
        "coffee.jpg",
    ),
    (
        "astronaut-graphic-tee",
        4,
        "프린트가 선명하고 원단이 두꺼워요. 평소 사이즈보다 한 치수 크게 나온 편입니다.",
        "",
    ),
]
# product slug, question, secret, vendor's answer (or "")
QUESTIONS = [
    (
        "astronaut-graphic-tee",
        "XL 사이즈는 언제 다시 입고되나요?",
        False,
        "다음 주 수요일 입고 예정입니다.",
    ),
    ("falcon9-launch-poster", "액자 포함 가격인가요? 선물 포장도 가능할까요?", True, ""),
]
ORDER_DETAILS = {
    "orderer_name": "김쇼핑",
    "orderer_email": SHOPPER_EMAIL,
    "orderer_phone": "010-1234-5678",
    "recipient_name": "김쇼핑",
    "recipient_phone": "010-1234-5678",
    "postcode": "06236",
    "road_address": "서울특별시 강남구 테헤란로 152",
    "detail_address": "101동 1001호",
    "payment_method": "bank_transfer",
}


def load(stdout: TextIO) -> list[tuple[str, str, str]]:
    """Create the demo reviews and questions unless the demo shopper has any."""
    shopper = User.objects.filter(email=SHOPPER_EMAIL).first()
    if shopper is None:
        stdout.write("reviews: no demo shopper; load accounts' demo first\n")
        return []
    if (
        Review.objects.filter(user=shopper).exists()
        or Question.objects.filter(user=shopper).exists()
    ):
        stdout.write("reviews: demo reviews and questions already there\n")
        return []
    with acting_as(Actor.system("demo")):
        reviews = sum(_review(shopper, *spec) for spec in REVIEWS)
        questions = sum(_question(shopper, *spec) for spec in QUESTIONS)
    stdout.write(f"reviews: {reviews} reviews, {questions} questions\n")
    return []


def _review(shopper: User, slug: str, rating: int, text: str, photo: str) -> int:
    product = Product.objects.filter(slug=slug).first()
    if product is None:
        return 0
    try:
        line = _confirmed_line(shopper, product)
        photos = [File((DEMO_MEDIA / photo).open("rb"), name=photo)] if photo else []
        services.write_review(
            user=shopper, order_line_id=line.pk, rating=rating, text=text, photos=photos
        )
    except ShopError:  # sold out, or the catalog's demo changed: no review, no harm
        return 0
    return 1


def _confirmed_line(shopper: User, product: Product) -> OrderLine:
    """Buy one unit of ``product`` for ``shopper`` and take it to purchase confirmed."""
    variant = product.variants.filter(stock__gt=0).order_by("pk").first()
    if variant is None:
        raise ShopError("sold_out")
    cart = orders.get_or_create_cart(user=shopper)
    orders.add_to_cart(cart=cart, variant_id=variant.pk, quantity=1)
    token = order_selectors.cart_view(cart, postcode=ORDER_DETAILS["postcode"]).token
    order = orders.place_order(
        cart=cart, details=ORDER_DETAILS, cart_token=token, user=shopper
    ).order
    orders.mark_deposit_confirmed(order_id=order.pk)
    for shipment in order.shipments.all():
        orders.ship(shipment_id=shipment.pk, carrier="cj", tracking_number="640012345678")
        orders.mark_delivered(shipment_id=shipment.pk)
        orders.confirm_purchase(shipment_id=shipment.pk, shopper=shopper)
    return OrderLine.objects.get(order=order, product=product)


def _question(shopper: User, slug: str, text: str, secret: bool, answer: str) -> int:
    product = Product.objects.filter(slug=slug).first()
    if product is None:
        return 0
    question = services.ask_question(
        user=shopper, product_id=product.pk, text=text, is_secret=secret
    )
    member = VendorMembership.objects.filter(vendor_id=product.vendor_id, is_active=True).first()
    if answer and member is not None:
        services.answer_question(
            question_id=question.pk, answer=answer, user=member.user, vendor_id=product.vendor_id
        )
    return 1
