"""Encryption of saved brand-pay tokens at rest (Fernet: AES-128-CBC with HMAC-SHA256).

The key is ``PAYMENTS_TOKEN_KEY``, separate from ``SECRET_KEY`` so that rotating one
never exposes or breaks the other; ``cryptography`` is the standard library for this.
Several keys may be given, comma-separated, newest first: tokens are read with any of
them and written with the first (MultiFernet), so the key can be rotated.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _fernet_key(raw: str) -> bytes:
    """Accept a Fernet key, or derive one from any other secret text (the sandbox default)."""
    try:
        if len(base64.urlsafe_b64decode(raw.encode())) == 32:
            return raw.encode()
    except (ValueError, TypeError):
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(raw.encode()).digest())


def _keys() -> MultiFernet:
    raw = [
        part.strip() for part in str(settings.PAYMENTS_TOKEN_KEY or "").split(",") if part.strip()
    ]
    if not raw:
        raise ImproperlyConfigured("PAYMENTS_TOKEN_KEY is empty: saved payment methods need it")
    return MultiFernet([Fernet(_fernet_key(key)) for key in raw])


def encrypt(token: str) -> str:
    return _keys().encrypt(token.encode()).decode()


def reencrypt(ciphertext: str) -> str:
    """Return the same token encrypted with the first key (after a key rotation)."""
    try:
        return _keys().rotate(ciphertext.encode()).decode()
    except InvalidToken as error:
        raise ValueError(
            "saved payment token cannot be decrypted with PAYMENTS_TOKEN_KEY"
        ) from error


def decrypt(ciphertext: str) -> str:
    """Return the token; a ciphertext no configured key opens raises ``ValueError``."""
    try:
        return _keys().decrypt(ciphertext.encode()).decode()
    except InvalidToken as error:
        raise ValueError(
            "saved payment token cannot be decrypted with PAYMENTS_TOKEN_KEY"
        ) from error
