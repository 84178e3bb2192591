"""Factories for the kernel's models: webhook subscriptions."""

import factory

from shop.models import WebhookSubscription


class WebhookSubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookSubscription

    name = factory.Sequence(lambda n: f"Subscriber {n}")
    target_url = "https://hooks.example.com/shop"
    event_types = factory.LazyFunction(lambda: ["*"])
