"""The SSRF guard: where a webhook may be sent, checked at save time and at every send."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.utils.translation import gettext as _


class UnsafeTargetError(ValueError):
    """A webhook URL the shop refuses to call."""


@dataclass(frozen=True)
class Target:
    """How to reach a checked URL: where to connect, and the host it is really for."""

    url: str
    host_header: str | None = None
    sni_hostname: str | None = None


def check_target(url: str) -> Target:
    """Return how to reach ``url`` safely, or raise ``UnsafeTargetError`` saying why not.

    Only http(s) without credentials in the URL. Unless WEBHOOK_ALLOW_PRIVATE_TARGETS,
    every address the host resolves to must be public, and the returned target connects
    to the checked address (keeping the Host header and TLS name of the original).
    """
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise UnsafeTargetError(_("Enter a valid URL.")) from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise UnsafeTargetError(
            _("A webhook URL must start with http:// or https:// and name a host.")
        )
    if parsed.userinfo:
        raise UnsafeTargetError(_("A webhook URL must not contain a user name or password."))
    if settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        return Target(url=str(parsed))
    address = _public_address(parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80))
    return Target(
        url=str(parsed.copy_with(host=address)),
        host_header=parsed.netloc.decode("ascii"),
        sni_hostname=parsed.host,
    )


def _public_address(host: str, port: int) -> str:
    """Resolve ``host``; return its first address if every address is public."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnsafeTargetError(
            _("The host %(host)s cannot be resolved.") % {"host": host}
        ) from exc
    addresses = [answer[4][0] for answer in answers]
    for address in addresses:
        if not _is_public(address):
            raise UnsafeTargetError(
                _(
                    "%(host)s resolves to %(address)s, a private or reserved address. "
                    "Webhooks only go to public addresses."
                )
                % {"host": host, "address": address}
            )
    return addresses[0]


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback
    return ip.is_global and not ip.is_multicast
