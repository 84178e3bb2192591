"""Account API URLs, mounted at /api/v1/."""

from django.urls import path

from accounts.api import privacy_views, views

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("me/data/", privacy_views.MyDataView.as_view(), name="api-me-data"),
    path("me/delete/", privacy_views.DeleteAccountView.as_view(), name="api-me-delete"),
    path("me/addresses/", views.AddressListView.as_view(), name="api-address-list"),
    path(
        "me/addresses/<int:address_id>/",
        views.AddressDetailView.as_view(),
        name="api-address-detail",
    ),
    path(
        "me/addresses/<int:address_id>/default/",
        views.SetDefaultAddressView.as_view(),
        name="api-address-default",
    ),
]
