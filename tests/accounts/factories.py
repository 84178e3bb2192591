"""Factories for users and addresses."""

import factory

from accounts.models import Address, MemberGrade, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Sequence(lambda n: f"사용자{n}")
    phone = "010-1234-5678"
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    user = factory.SubFactory(UserFactory)
    recipient = "홍길동"
    phone = "010-9876-5432"
    postcode = "06236"
    road_address = "서울특별시 강남구 테헤란로 152"
    detail_address = "12층"


class MemberGradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberGrade
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"grade{n}")
    name = factory.Sequence(lambda n: f"등급{n}")
    position = factory.Sequence(lambda n: n)


def verify_identity(user, *, birth_date: str = "1990-05-17", name: str = "김인증"):
    """Give ``user`` a verified identity as the PortOne flow would leave it."""
    from datetime import date

    from django.utils import timezone

    from accounts.models import IdentityVerification
    from accounts.services import keyed_hash

    return IdentityVerification.objects.create(
        user=user,
        provider="portone",
        name=name,
        birth_date=date.fromisoformat(birth_date),
        phone="010-1234-5678",
        ci_hash=keyed_hash(f"ci-{user.pk}"),
        di_hash=keyed_hash(f"di-{user.pk}"),
        verified_at=timezone.now(),
    )
