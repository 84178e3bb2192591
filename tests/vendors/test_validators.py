"""The business registration number (사업자등록번호) checksum and its normalisation."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from vendors.validators import (
    business_number_check_digit,
    format_business_number,
    is_valid_business_number,
    normalise_business_number,
    validate_business_number,
)

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@pytest.mark.parametrize(
    "number",
    ["220-81-62517", "124-81-00998", "2208162517", " 220 81 62517 "],
)
def test_published_registration_numbers_are_valid(number):
    assert is_valid_business_number(number)
    validate_business_number(number)


@pytest.mark.parametrize(
    "number",
    [
        "220-81-62518",  # wrong check digit
        "123-45-67890",
        "220816251",  # nine digits
        "22081625170",  # eleven digits
        "22O-81-62517",  # a letter O
        "".join(chr(0xFF10 + int(digit)) for digit in "2208162517"),  # full-width digits
        "",
    ],
)
def test_wrong_or_malformed_numbers_are_refused(number):
    assert not is_valid_business_number(number)
    with pytest.raises(ValidationError):
        validate_business_number(number)


def test_the_ninth_digits_carry_counts_in_the_checksum():
    # 9th digit 9: 9 x 5 = 45, whose tens digit (4) is added to the sum.
    assert business_number_check_digit("000000009") == (10 - (45 + 4) % 10) % 10


@given(nine_digits)
def test_exactly_one_check_digit_completes_any_nine_digits(first_nine):
    valid = [digit for digit in "0123456789" if is_valid_business_number(first_nine + digit)]
    assert valid == [str(business_number_check_digit(first_nine))]


@given(nine_digits)
def test_dashes_and_spaces_do_not_change_validity_or_the_stored_digits(first_nine):
    number = first_nine + str(business_number_check_digit(first_nine))
    dashed = f"{number[:3]}-{number[3:5]}-{number[5:]}"

    assert normalise_business_number(dashed) == number
    assert normalise_business_number(f" {dashed} ".replace("-", " - ")) == number
    assert is_valid_business_number(dashed)
    assert format_business_number(number) == dashed


@given(nine_digits, st.integers(min_value=1, max_value=9))
def test_changing_the_check_digit_makes_the_number_invalid(first_nine, shift):
    check = business_number_check_digit(first_nine)
    assert not is_valid_business_number(first_nine + str((check + shift) % 10))
