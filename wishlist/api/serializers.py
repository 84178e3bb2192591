"""Wishlist API bodies."""

from __future__ import annotations

from rest_framework import serializers

from wishlist.models import RestockSubscription, WishlistItem


class WishlistItemSerializer(serializers.ModelSerializer):
    product_name = serializers.CharField(source="product.name", read_only=True)
    price = serializers.DecimalField(
        source="product.price",
        max_digits=12,
        decimal_places=0,
        read_only=True,
        coerce_to_string=True,
    )
    status = serializers.CharField(source="product.status", read_only=True)

    class Meta:
        model = WishlistItem
        fields = ["product_id", "product_name", "price", "status", "created_at"]


class AddToWishlistSerializer(serializers.Serializer):
    product_id = serializers.IntegerField(min_value=1)


class RestockAlertSerializer(serializers.ModelSerializer):
    product_id = serializers.IntegerField(source="variant.product_id", read_only=True)
    product_name = serializers.CharField(source="variant.product.name", read_only=True)
    option = serializers.CharField(source="variant.label", read_only=True)

    class Meta:
        model = RestockSubscription
        fields = [
            "id",
            "variant_id",
            "product_id",
            "product_name",
            "option",
            "created_at",
            "notified_at",
        ]


class RequestRestockSerializer(serializers.Serializer):
    variant_id = serializers.IntegerField(min_value=1)
