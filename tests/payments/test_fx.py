"""Exchange-rate quotes for PayPal: the configured source, its cache, the fixed rate and
the refusal when a configured source cannot be read."""

from __future__ import annotations

import socket
from decimal import Decimal

import pytest

from payments import fx
from payments.emulators import paypal as emulator
from payments.providers.base import Exchange, ProviderError


def quote(rate: str, currency: str = "USD") -> fx.FxQuote:
    return fx.FxQuote(rate=Decimal(rate), source="test", at=fx.timezone.now(), currency=currency)


@pytest.fixture
def rate_source(paypal_emulator, settings) -> str:
    settings.PAYPAL_FX_RATE_URL = (
        f"{paypal_emulator.base_url}/_emulator/fx-rate?currency={{currency}}&key=RATE-API-KEY"
    )
    return f"{paypal_emulator.base_url}/_emulator/fx-rate"


# --- convert ----------------------------------------------------------------------------------


def test_convert_rounds_half_up_to_cents():
    assert fx.convert(Decimal(12345), quote("1000")) == Decimal("12.35")
    assert fx.convert(Decimal(12344), quote("1000")) == Decimal("12.34")
    assert fx.convert(15000, quote("1400")) == Decimal("10.71")


def test_convert_to_a_zero_decimal_currency_gives_whole_units():
    assert fx.convert(Decimal(1000), quote("9.5", "JPY")) == Decimal(105)


def test_convert_refuses_floats():
    with pytest.raises(ValueError, match="float"):
        fx.convert(15000.0, quote("1400"))


# --- The fixed rate from settings -------------------------------------------------------------


def test_without_a_rate_url_the_configured_rate_is_used(settings):
    settings.PAYPAL_FX_RATE_URL = ""
    settings.PAYPAL_FX_RATE = "1400"

    found = fx.rate_for("usd")

    assert found.rate == Decimal(1400)
    assert found.source == "settings.PAYPAL_FX_RATE"
    assert found.currency == "USD"
    assert found.at.tzinfo is not None


@pytest.mark.parametrize("rate", ["", "abc", "0", "-1300"])
def test_an_unusable_configured_rate_refuses(settings, rate):
    settings.PAYPAL_FX_RATE_URL = ""
    settings.PAYPAL_FX_RATE = rate

    with pytest.raises(ProviderError) as refused:
        fx.rate_for("USD")

    assert refused.value.code == "fx_unavailable"


def test_krw_needs_no_rate(settings):
    settings.PAYPAL_FX_RATE = ""

    assert fx.rate_for("KRW").rate == Decimal(1)


# --- The rate source over HTTP ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_rate_source_is_read_once_per_ten_minutes(rate_source, paypal_emulator):
    emulator.set_fx_rate("USD", "1380.5")
    log: list[Exchange] = []

    first = fx.rate_for("USD", record=log.append)
    emulator.set_fx_rate("USD", "1500")
    second = fx.rate_for("USD", record=log.append)

    assert first.rate == Decimal("1380.5")
    assert first.source == rate_source
    assert second == first
    assert paypal_emulator.calls("fx_rate") == 1
    assert [(e.operation, e.status_code) for e in log] == [("fx_rate", 200)]
    assert "RATE-API-KEY" not in repr(log)
    assert "RATE-API-KEY" not in first.source


@pytest.mark.django_db(transaction=True)
def test_each_currency_has_its_own_quote(rate_source, paypal_emulator):
    emulator.set_fx_rate("USD", "1380.5")
    emulator.set_fx_rate("EUR", "1490.25")

    assert fx.rate_for("USD").rate == Decimal("1380.5")
    assert fx.rate_for("EUR").rate == Decimal("1490.25")
    assert paypal_emulator.calls("fx_rate") == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fault", ["server_error", "bad_rate"])
def test_a_failing_rate_source_refuses_and_is_not_cached(rate_source, paypal_emulator, fault):
    paypal_emulator.fault("fx_rate", fault)

    with pytest.raises(ProviderError) as refused:
        fx.rate_for("USD")
    later = fx.rate_for("USD")

    assert refused.value.code == "fx_unavailable"
    assert later.rate == Decimal("1380.5")
    assert paypal_emulator.calls("fx_rate") == 2


def test_an_unreachable_rate_source_refuses_instead_of_using_the_fixed_rate(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.PAYPAL_FX_RATE_URL = f"http://127.0.0.1:{port}/rate"
    settings.PAYPAL_FX_RATE = "1400"

    with pytest.raises(ProviderError) as refused:
        fx.rate_for("USD")

    assert refused.value.code == "fx_unavailable"
    assert refused.value.retryable
