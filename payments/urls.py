"""Storefront URLs of payments, mounted at /payments/: start, provider returns, webhooks."""

from django.urls import path

from payments import views

app_name = "payments"
urlpatterns = [
    path("orders/<str:number>/pay/", views.pay, name="pay"),
    path("orders/<str:number>/start/", views.start, name="start"),
    path("<uuid:public_id>/return/", views.provider_return, name="return"),
    path("<uuid:public_id>/cancel/", views.provider_cancel, name="cancel"),
    path("<uuid:public_id>/fail/", views.provider_fail, name="fail"),
    path("<uuid:public_id>/status/", views.status, name="status"),
    path("methods/", views.methods, name="methods"),
    path("methods/add/<slug:provider>/", views.add_method, name="add_method"),
    path("methods/<int:method_id>/remove/", views.remove_method, name="remove_method"),
    path("webhooks/<slug:provider>/", views.webhook, name="webhook"),
]
