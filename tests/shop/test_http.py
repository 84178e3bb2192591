"""The process's one TLS context for outgoing calls (shop.http)."""

from __future__ import annotations

import ssl

import httpx

from shop.http import tls_context


def test_it_is_built_once_and_shared() -> None:
    assert tls_context() is tls_context()


def test_it_still_verifies_certificates_and_host_names() -> None:
    context = tls_context()
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True
    assert context.cert_store_stats()["x509_ca"] > 0  # the CA bundle is loaded


def test_a_client_given_it_uses_it_as_is() -> None:
    with httpx.Client(verify=tls_context()) as client:
        pool = client._transport._pool  # httpcore's pool holds the context it connects with
        assert pool._ssl_context is tls_context()
