"""Cart, checkout and order API URLs, mounted at /api/v1/."""

from django.urls import path

from orders.api import views

ORDER = "orders/<str:number>/"
SHIPMENT = "seller/shipments/<int:shipment_id>/"
CLAIM = "seller/claims/<int:claim_id>/"

urlpatterns = [
    path("cart/", views.CartView.as_view(), name="api-cart"),
    path("cart/lines/", views.CartLinesView.as_view(), name="api-cart-lines"),
    path("cart/lines/<int:line_id>/", views.CartLineView.as_view(), name="api-cart-line"),
    path("checkout/", views.CheckoutView.as_view(), name="api-checkout"),
    path("orders/", views.OrderListView.as_view(), name="api-order-list"),
    # Before the order number, which would otherwise match "lookup".
    path("orders/lookup/", views.OrderLookupView.as_view(), name="api-order-lookup"),
    path(ORDER, views.OrderDetailView.as_view(), name="api-order-detail"),
    path(f"{ORDER}cancel/", views.OrderCancelView.as_view(), name="api-order-cancel"),
    path(
        f"{ORDER}partial-cancel/",
        views.OrderPartialCancelView.as_view(),
        name="api-order-partial-cancel",
    ),
    path(
        f"{ORDER}shipments/<int:shipment_id>/confirm/",
        views.ShipmentConfirmView.as_view(),
        name="api-order-shipment-confirm",
    ),
    path(
        f"{ORDER}shipments/<int:shipment_id>/claims/",
        views.ShipmentClaimView.as_view(),
        name="api-order-shipment-claims",
    ),
    path("seller/shipments/", views.SellerShipmentListView.as_view(), name="api-seller-shipments"),
    path(SHIPMENT, views.SellerShipmentDetailView.as_view(), name="api-seller-shipment"),
    path(
        f"{SHIPMENT}prepare/", views.SellerPrepareView.as_view(), name="api-seller-shipment-prepare"
    ),
    path(f"{SHIPMENT}ship/", views.SellerShipView.as_view(), name="api-seller-shipment-ship"),
    path(
        f"{SHIPMENT}tracking/",
        views.SellerTrackingView.as_view(),
        name="api-seller-shipment-tracking",
    ),
    path(
        f"{SHIPMENT}deliver/", views.SellerDeliverView.as_view(), name="api-seller-shipment-deliver"
    ),
    path("seller/claims/", views.SellerClaimListView.as_view(), name="api-seller-claims"),
    path(CLAIM, views.SellerClaimDetailView.as_view(), name="api-seller-claim"),
    path(
        f"{CLAIM}returned/",
        views.SellerClaimReturnedView.as_view(),
        name="api-seller-claim-returned",
    ),
    path(
        f"{CLAIM}exchanged/",
        views.SellerClaimExchangedView.as_view(),
        name="api-seller-claim-exchanged",
    ),
    path(f"{CLAIM}reject/", views.SellerClaimRejectView.as_view(), name="api-seller-claim-reject"),
]
