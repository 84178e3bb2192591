"""Services and selectors of accounts: profile, password record, the address book's default rule."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from accounts import selectors, services
from accounts.exceptions import AccountError
from accounts.models import Address, User
from shop.audit import Actor, acting_as
from shop.exceptions import NotFoundError
from shop.models import AuditEvent
from tests.accounts.factories import AddressFactory, UserFactory


def events(name: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=f"accounts.{name}").order_by("id"))


def address_fields(**overrides: object) -> dict[str, object]:
    return {
        "recipient": "홍길동",
        "phone": "010-9876-5432",
        "postcode": "06236",
        "road_address": "서울특별시 강남구 테헤란로 152",
        "detail_address": "12층",
        **overrides,
    }


def defaults_of(user) -> list[int]:
    return list(Address.objects.filter(user=user, is_default=True).values_list("pk", flat=True))


# --- Profile and signup --------------------------------------------------------------


def test_register_user_stores_tidied_name_and_phone_and_publishes_user_signed_up(user):
    services.register_user(user_id=user.pk, name="  김철수 ", phone="01055556666")

    user.refresh_from_db()
    assert (user.name, user.phone) == ("김철수", "010-5555-6666")
    [event] = events("UserSignedUp")
    assert event.payload == {"user_id": user.pk, "email": user.email}
    assert (event.subject_type, event.subject_id) == ("accounts.User", str(user.pk))


def test_update_profile_publishes_old_and_new_values(user):
    old_name = user.name

    services.update_profile(user_id=user.pk, name="새이름", phone="02 123 4567")

    user.refresh_from_db()
    assert (user.name, user.phone) == ("새이름", "02-123-4567")
    [event] = events("ProfileChanged")
    assert event.payload["changes"] == {
        "name": [old_name, "새이름"],
        "phone": ["010-1234-5678", "02-123-4567"],
    }


def test_update_profile_without_a_change_publishes_nothing(user):
    services.update_profile(user_id=user.pk, name=user.name, phone="010 1234 5678")

    assert events("ProfileChanged") == []


def test_update_profile_refuses_a_non_korean_phone_and_changes_nothing(user):
    with pytest.raises(ValidationError) as error:
        services.update_profile(user_id=user.pk, name="새이름", phone="+1 555 0100")

    assert "phone" in error.value.message_dict
    user.refresh_from_db()
    assert user.name != "새이름"
    assert events("ProfileChanged") == []


def test_record_password_change_publishes_no_password_value(user):
    with acting_as(Actor.for_user(user)):
        services.record_password_change(user_id=user.pk, method="change")

    [event] = events("PasswordChanged")
    assert event.payload == {"user_id": user.pk, "method": "change"}
    assert event.actor_id == user.pk
    assert user.password not in str(event.payload)


def test_record_email_change_keeps_an_unknown_old_address_as_none(user):
    services.record_email_change(user_id=user.pk, old_email=None, new_email=user.email)

    [event] = events("ProfileChanged")
    assert event.payload["changes"] == {"email": [None, user.email]}


# --- Adding addresses ----------------------------------------------------------------


def test_first_address_becomes_the_default_and_later_ones_do_not(user):
    first = services.add_address(user_id=user.pk, **address_fields())
    second = services.add_address(user_id=user.pk, **address_fields(label="회사"))

    assert defaults_of(user) == [first.pk]
    assert not second.is_default
    payloads = [event.payload for event in events("AddressAdded")]
    assert payloads == [
        {"address_id": first.pk, "user_id": user.pk, "is_default": True},
        {"address_id": second.pk, "user_id": user.pk, "is_default": False},
    ]


def test_adding_an_address_as_default_takes_the_default_over(user):
    first = services.add_address(user_id=user.pk, **address_fields())

    second = services.add_address(user_id=user.pk, is_default=True, **address_fields())

    assert defaults_of(user) == [second.pk]
    first.refresh_from_db()
    assert not first.is_default


def test_add_address_tidies_the_phone(user):
    address = services.add_address(user_id=user.pk, **address_fields(phone="031.123.4567"))

    assert address.phone == "031-123-4567"


@pytest.mark.parametrize("postcode", ["1234", "123456", "123-45", "abcde", ""])
def test_add_address_refuses_a_postcode_that_is_not_five_digits(user, postcode):
    with pytest.raises(ValidationError) as error:
        services.add_address(user_id=user.pk, **address_fields(postcode=postcode))

    assert "postcode" in error.value.message_dict
    assert not Address.objects.filter(user=user).exists()
    assert events("AddressAdded") == []


def test_add_address_refuses_more_than_the_limit(user, monkeypatch):
    monkeypatch.setattr(services.members, "MAX_ADDRESSES_PER_MEMBER", 2)
    services.add_address(user_id=user.pk, **address_fields())
    services.add_address(user_id=user.pk, **address_fields())

    with pytest.raises(AccountError) as error:
        services.add_address(user_id=user.pk, **address_fields())

    assert error.value.code == "too_many_addresses"
    assert Address.objects.filter(user=user).count() == 2


# --- Changing and deleting addresses ---------------------------------------------------


def test_update_address_changes_the_given_fields_and_publishes_them(user):
    address = AddressFactory(user=user, is_default=True)

    services.update_address(
        user_id=user.pk, address_id=address.pk, postcode="04524", detail_address="3층"
    )

    address.refresh_from_db()
    assert (address.postcode, address.detail_address, address.recipient) == (
        "04524",
        "3층",
        "홍길동",
    )
    [event] = events("AddressChanged")
    assert event.payload["changes"] == {
        "detail_address": ["12층", "3층"],
        "postcode": ["06236", "04524"],
    }


def test_update_address_of_another_member_is_not_found_and_changes_nothing(user, other_user):
    theirs = AddressFactory(user=other_user, is_default=True)

    with pytest.raises(NotFoundError):
        services.update_address(user_id=user.pk, address_id=theirs.pk, recipient="도둑")

    theirs.refresh_from_db()
    assert theirs.recipient == "홍길동"
    assert events("AddressChanged") == []


def test_update_address_without_a_change_publishes_nothing(user):
    address = AddressFactory(user=user, is_default=True)

    services.update_address(user_id=user.pk, address_id=address.pk, recipient="홍길동")

    assert events("AddressChanged") == []


def test_deleting_the_default_promotes_the_newest_remaining_address(user):
    oldest = AddressFactory(user=user)
    newest = AddressFactory(user=user)
    default = AddressFactory(user=user, is_default=True)

    services.delete_address(user_id=user.pk, address_id=default.pk)

    assert not Address.objects.filter(pk=default.pk).exists()
    assert defaults_of(user) == [newest.pk]
    assert oldest.pk < newest.pk
    [event] = events("AddressDeleted")
    assert event.payload == {
        "address_id": default.pk,
        "user_id": user.pk,
        "was_default": True,
        "promoted_address_id": newest.pk,
    }
    assert event.subject_label == str(default)


def test_deleting_another_address_keeps_the_default(user):
    default = AddressFactory(user=user, is_default=True)
    other = AddressFactory(user=user)

    services.delete_address(user_id=user.pk, address_id=other.pk)

    assert defaults_of(user) == [default.pk]
    assert events("AddressDeleted")[0].payload["promoted_address_id"] is None


def test_deleting_the_last_address_leaves_no_default(user):
    only = AddressFactory(user=user, is_default=True)

    services.delete_address(user_id=user.pk, address_id=only.pk)

    assert not Address.objects.filter(user=user).exists()


def test_delete_address_of_another_member_is_not_found_and_deletes_nothing(user, other_user):
    theirs = AddressFactory(user=other_user, is_default=True)

    with pytest.raises(NotFoundError):
        services.delete_address(user_id=user.pk, address_id=theirs.pk)

    assert Address.objects.filter(pk=theirs.pk).exists()
    assert events("AddressDeleted") == []


# --- The default address -------------------------------------------------------------


def test_set_default_address_moves_the_default_and_names_the_previous_one(user):
    old = AddressFactory(user=user, is_default=True)
    new = AddressFactory(user=user)

    services.set_default_address(user_id=user.pk, address_id=new.pk)

    assert defaults_of(user) == [new.pk]
    [event] = events("DefaultAddressChanged")
    assert event.payload == {
        "address_id": new.pk,
        "user_id": user.pk,
        "previous_address_id": old.pk,
    }


def test_set_default_on_the_default_publishes_nothing(user):
    default = AddressFactory(user=user, is_default=True)

    services.set_default_address(user_id=user.pk, address_id=default.pk)

    assert defaults_of(user) == [default.pk]
    assert events("DefaultAddressChanged") == []


def test_set_default_address_of_another_member_is_not_found(user, other_user):
    mine = AddressFactory(user=user, is_default=True)
    theirs = AddressFactory(user=other_user)

    with pytest.raises(NotFoundError):
        services.set_default_address(user_id=user.pk, address_id=theirs.pk)

    assert defaults_of(user) == [mine.pk]
    assert defaults_of(other_user) == []


# --- Selectors -------------------------------------------------------------------------


def test_list_addresses_holds_only_the_members_own_with_the_default_first(user, other_user):
    older = AddressFactory(user=user)
    default = AddressFactory(user=user, is_default=True)
    newer = AddressFactory(user=user)
    AddressFactory(user=other_user, is_default=True)

    listed = list(selectors.list_addresses(user_id=user.pk))

    assert listed == [default, newer, older]


def test_get_address_hides_another_members_address(user, other_user):
    theirs = AddressFactory(user=other_user)

    with pytest.raises(NotFoundError) as error:
        selectors.get_address(user_id=user.pk, address_id=theirs.pk)

    assert error.value.status_code == 404


def test_get_address_with_an_id_beyond_bigint_is_not_found(user):
    with pytest.raises(NotFoundError):
        selectors.get_address(user_id=user.pk, address_id=2**70)


# --- Concurrency (PostgreSQL row locks) -------------------------------------------------


def run_together(*calls) -> list[BaseException]:
    """Run each call in its own thread and connection, released at the same moment."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call) -> None:
        try:
            barrier.wait(timeout=10)
            call()
        except BaseException as error:  # reported to the test, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def race_two_default_changes(rounds: int) -> tuple[list[BaseException], list[int]]:
    """Set two different defaults at once, ``rounds`` times; return errors and default counts."""
    errors: list[BaseException] = []
    default_counts: list[int] = []
    for _round in range(rounds):
        user = UserFactory()
        AddressFactory(user=user, is_default=True)
        first, second = AddressFactory(user=user), AddressFactory(user=user)
        errors += run_together(
            lambda u=user, a=first: services.set_default_address(user_id=u.pk, address_id=a.pk),
            lambda u=user, a=second: services.set_default_address(user_id=u.pk, address_id=a.pk),
        )
        default_counts.append(len(defaults_of(user)))
    return errors, default_counts


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_default_changes_leave_exactly_one_default():
    errors, default_counts = race_two_default_changes(rounds=10)

    assert errors == []
    assert default_counts == [1] * 10
    assert len(events("DefaultAddressChanged")) == 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_member_lock_the_race_breaks_through(monkeypatch):
    """Negative control: the race above really overlaps; only the lock makes it safe."""
    monkeypatch.setattr(selectors, "lock_user", lambda *, user_id: User.objects.get(pk=user_id))

    errors, _default_counts = race_two_default_changes(rounds=10)

    assert any(isinstance(error, IntegrityError) for error in errors)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_first_addresses_make_exactly_one_default():
    user = UserFactory()

    errors = run_together(
        lambda: services.add_address(user_id=user.pk, **address_fields(label="A")),
        lambda: services.add_address(user_id=user.pk, **address_fields(label="B")),
    )

    assert errors == []
    assert Address.objects.filter(user=user).count() == 2
    assert len(defaults_of(user)) == 1
