"""Send one signed webhook request through the fetcher's address guard. Plain Python, no Django.

Signing follows the Standard Webhooks specification (standardwebhooks.com): the headers
``webhook-id``, ``webhook-timestamp`` and ``webhook-signature``, the last being ``v1,`` and the
base64 HMAC-SHA256 of ``{id}.{timestamp}.{body}`` keyed with the secret's bytes (the base64 after
``whsec_``).

The request passes the same gate as a source fetch (``verification.sources.fetching.post``): the
host is resolved once, every address is checked, the connection goes to a checked address. A
deployment names the internal receivers it trusts as ``host:port`` pairs; only those may be private
(cloud metadata addresses stay refused even then). Redirects are never followed: a receiver that
moved must be edited by a person.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from verification.sources.fetching import FetchError, FetchPolicy, host_port, post

__all__ = ["DeliveryPolicy", "Outcome", "host_port", "secret_generate", "send", "sign"]

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix of every secret, not a secret
USER_AGENT = "Factdesk-Webhooks/1.0"
EXCERPT_CHARS = 500


def secret_generate() -> str:
    """A new signing secret: ``whsec_`` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def sign(*, secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value for one request."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


@dataclass(frozen=True)
class DeliveryPolicy:
    timeout_seconds: float = 10.0
    max_response_bytes: int = 64 * 1024
    allowed_hosts: frozenset[str] = frozenset()  # "host:port", lower case


@dataclass(frozen=True)
class Outcome:
    """What one request came to. ``status`` is None when no HTTP answer arrived."""

    status: int | None
    latency_ms: int
    excerpt: str
    error: str
    transient: bool

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def send(*, url: str, webhook_id: str, secret: str, body: bytes, policy: DeliveryPolicy) -> Outcome:
    """POST ``body`` to ``url`` signed with ``secret``; never raises for what the receiver does."""
    started = time.monotonic()

    def outcome(status=None, excerpt="", error="", transient=False) -> Outcome:
        latency = int((time.monotonic() - started) * 1000)
        return Outcome(status, latency, excerpt, error, transient)

    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(
            secret=secret, webhook_id=webhook_id, timestamp=timestamp, body=body
        ),
    }
    guard = FetchPolicy(
        # Only the receivers a deployment names may be private.
        allow_private_addresses=host_port(url) in policy.allowed_hosts,
        timeout_seconds=policy.timeout_seconds,
        # Read at most the limit; the rest is not ours to store.
        max_bytes=policy.max_response_bytes,
    )
    try:
        answer = post(url, body=body, headers=headers, policy=guard)
    except FetchError as error:
        return outcome(error=error.reason, transient=error.transient)
    status = answer.status
    excerpt = answer.body[: EXCERPT_CHARS * 4].decode("utf-8", "replace")[:EXCERPT_CHARS]
    if 300 <= status < 400:
        return outcome(status, excerpt, "redirects are not followed; update the target URL")
    transient = status >= 500 or status in (408, 429)
    error = "" if 200 <= status < 300 else f"the receiver answered HTTP {status}"
    return outcome(status, excerpt, error, transient)
