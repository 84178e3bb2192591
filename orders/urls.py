"""Storefront URLs of cart, checkout and orders, mounted at the site root.

My orders live under /my/orders/ beside the rest of my page (accounts' /my/ URLs are
tried first and none of them starts with orders/).
"""

from django.urls import path

from orders.views import cart, checkout, guest, my_orders

app_name = "orders"

MY = "my/orders/<str:number>/"
GUEST = "orders/guest/<str:number>/"

urlpatterns = [
    path("cart/", cart.cart_detail, name="cart"),
    path("cart/add/", cart.cart_add, name="cart_add"),
    path("cart/lines/<int:line_id>/", cart.cart_update, name="cart_update"),
    path("cart/lines/<int:line_id>/remove/", cart.cart_remove, name="cart_remove"),
    path("checkout/", checkout.checkout, name="checkout"),
    path("checkout/summary/", checkout.checkout_summary, name="checkout_summary"),
    path("orders/<str:number>/complete/", checkout.order_complete, name="complete"),
    path("orders/lookup/", guest.guest_lookup, name="guest_lookup"),
    path("orders/lookup/<str:number>/<str:token>/", guest.guest_link, name="guest_link"),
    path(GUEST, guest.guest_order_detail, name="guest_order_detail"),
    path(GUEST + "cancel/", guest.guest_order_cancel, name="guest_order_cancel"),
    path(GUEST + "cancel-lines/", guest.guest_order_cancel_lines, name="guest_order_cancel_lines"),
    path(
        GUEST + "parts/<int:shipment_id>/claim/",
        guest.guest_order_claim,
        name="guest_order_claim",
    ),
    path(
        GUEST + "parts/<int:shipment_id>/confirm/",
        guest.guest_order_confirm,
        name="guest_order_confirm",
    ),
    path("my/orders/", my_orders.order_list, name="my_orders"),
    path(MY, my_orders.order_detail, name="my_order_detail"),
    path(MY + "cancel/", my_orders.my_order_cancel, name="my_order_cancel"),
    path(MY + "cancel-lines/", my_orders.my_order_cancel_lines, name="my_order_cancel_lines"),
    path(MY + "parts/<int:shipment_id>/claim/", my_orders.my_order_claim, name="my_order_claim"),
    path(
        MY + "parts/<int:shipment_id>/confirm/",
        my_orders.my_order_confirm,
        name="my_order_confirm",
    ),
]
