"""Factories for orders, their vendor parts, lines and claims (rows as placement leaves them).

They write rows directly, for pages and the seller-center tenant matrix
(``VendorShipmentFactory(vendor=v)``, ``OrderLineFactory(vendor=v)``,
``ClaimFactory(shipment__vendor=v)``). Tests of the rules place real orders through
the services instead (``tests.orders.helpers``).
"""

from decimal import Decimal

import factory
from django.utils import timezone

from orders.models import Claim, ClaimLine, Order, OrderLine, VendorShipment
from tests.vendors.factories import VendorFactory


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    status = Order.Status.PAID
    orderer_name = "김주문"
    orderer_email = factory.Sequence(lambda n: f"buyer{n}@example.com")
    orderer_phone = "010-1111-2222"
    recipient_name = "이수령"
    recipient_phone = "010-3333-4444"
    postcode = "06236"
    road_address = "서울특별시 강남구 테헤란로 152"
    detail_address = "12층"
    placed_at = factory.LazyFunction(timezone.now)
    paid_at = factory.LazyFunction(timezone.now)
    items_amount = Decimal(10000)
    shipping_amount = Decimal(3000)
    total_amount = Decimal(13000)
    vat_amount = Decimal(1182)


class VendorShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VendorShipment

    order = factory.SubFactory(OrderFactory)
    vendor = factory.SubFactory(VendorFactory)
    status = VendorShipment.Status.PAID
    shipping_fee = Decimal(3000)
    shipping_fee_quoted = Decimal(3000)
    return_fee = Decimal(3000)
    exchange_fee = Decimal(6000)


class OrderLineFactory(factory.django.DjangoModelFactory):
    """A line of a part; its order and vendor are always the part's."""

    class Meta:
        model = OrderLine

    vendor = factory.SubFactory(VendorFactory)
    shipment = factory.SubFactory(VendorShipmentFactory, vendor=factory.SelfAttribute("..vendor"))
    order = factory.SelfAttribute("shipment.order")
    product_name = factory.Sequence(lambda n: f"주문상품{n}")
    option_label = "색상: 검정"
    unit_price = Decimal(10000)
    quantity = 1

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        shipment = kwargs["shipment"]
        kwargs.update(vendor=shipment.vendor, order=shipment.order)
        return super()._create(model_class, *args, **kwargs)


class ClaimFactory(factory.django.DjangoModelFactory):
    """A return request of a delivered part, with one line."""

    class Meta:
        model = Claim
        skip_postgeneration_save = True

    shipment = factory.SubFactory(VendorShipmentFactory, status=VendorShipment.Status.DELIVERED)
    order = factory.SelfAttribute("shipment.order")
    kind = Claim.Kind.RETURN
    reason = "사이즈가 맞지 않아요"
    fee = factory.SelfAttribute("shipment.return_fee")

    @factory.post_generation
    def with_line(self, create, extracted, **kwargs):
        if create and extracted is not False:
            line = OrderLineFactory(
                shipment=self.shipment, status=OrderLine.Status.RETURN_REQUESTED
            )
            ClaimLine.objects.create(claim=self, order_line=line, quantity=1)
