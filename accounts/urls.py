"""My page URLs, mounted at /my/."""

from django.urls import path

from accounts import privacy_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("consents/marketing/", views.marketing_consent, name="marketing_consent"),
    path("data/", privacy_views.download_my_data, name="my_data"),
    path("delete/", privacy_views.delete_account, name="delete_account"),
    path("identity/", views.identity_start, name="identity"),
    path("identity/return/", views.identity_return, name="identity_return"),
    path("identity/sdk/<str:verification_id>/", views.identity_sdk, name="identity_sdk"),
    path("addresses/", views.address_list, name="address_list"),
    path("addresses/add/", views.address_add, name="address_add"),
    path("addresses/<int:address_id>/edit/", views.address_edit, name="address_edit"),
    path("addresses/<int:address_id>/delete/", views.address_delete, name="address_delete"),
    path(
        "addresses/<int:address_id>/default/",
        views.address_set_default,
        name="address_set_default",
    ),
]
