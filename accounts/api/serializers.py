"""Account API serializers: input ones named for the command, output ones for the thing."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import selectors
from accounts.models import Address, User, phone_validator, postcode_validator
from accounts.validators import normalize_phone
from shop.api import StrictInputSerializer


class PhoneField(serializers.CharField):
    """A Korean phone number, returned as ``010-1234-5678`` however it was typed."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.validators.append(phone_validator)

    def to_internal_value(self, data: Any) -> str:
        return normalize_phone(super().to_internal_value(data))


class GradeSerializer(serializers.Serializer):
    """The member's grade and its benefits; rates are fractions as text ("0.01" is 1%)."""

    grade_code = serializers.CharField()
    grade_name = serializers.CharField()
    discount_rate = serializers.DecimalField(max_digits=5, decimal_places=4)
    point_rate = serializers.DecimalField(max_digits=5, decimal_places=4)


class ProfileSerializer(serializers.ModelSerializer):
    grade = serializers.SerializerMethodField()
    identity_verified = serializers.SerializerMethodField()
    is_adult = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "name",
            "phone",
            "marketing_opt_in",
            "grade",
            "identity_verified",
            "is_adult",
        ]
        read_only_fields = fields

    @extend_schema_field(GradeSerializer)
    def get_grade(self, user: User) -> dict[str, Any]:
        return GradeSerializer(selectors.member_benefits(user)).data

    def get_identity_verified(self, user: User) -> bool:
        return selectors.identity_of(user) is not None

    def get_is_adult(self, user: User) -> bool:
        return selectors.is_adult(user)


class UpdateProfileSerializer(StrictInputSerializer):
    name = serializers.CharField(max_length=100)
    phone = PhoneField(allow_blank=True)


class AddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = Address
        fields = [
            "id",
            "label",
            "recipient",
            "phone",
            "postcode",
            "road_address",
            "detail_address",
            "is_default",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class UpdateAddressSerializer(StrictInputSerializer):
    label = serializers.CharField(max_length=50, allow_blank=True, required=False)
    recipient = serializers.CharField(max_length=100)
    phone = PhoneField()
    postcode = serializers.CharField(max_length=5, validators=[postcode_validator])
    road_address = serializers.CharField(max_length=255)
    detail_address = serializers.CharField(max_length=255, allow_blank=True, required=False)


class AddAddressSerializer(UpdateAddressSerializer):
    is_default = serializers.BooleanField(required=False, default=False)
