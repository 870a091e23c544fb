"""Fetch a source URL without letting it reach inside our network.

Plain Python, no Django import: the Celery task and the ``fetch_url`` command both call
:func:`fetch` with a :class:`FetchPolicy` built from settings.

Server-side request forgery is the main risk, so every hop of a fetch goes through the same gate:

* the URL must be http(s), carry no credentials, and name its host either as a DNS name or as a
  canonical IP literal (``http://2130706433/`` and ``http://0x7f.1/`` are refused outright);
* the host is resolved once, every address is checked, and the connection goes to a checked
  address (the TLS handshake still sends SNI and verifies the certificate for the host name);
* redirects are followed by hand, and each new location passes the same gate.

A total deadline covers DNS, connect, headers and body; the body is capped while it streams, after
content decoding, so a small gzip bomb cannot expand past the cap.

:func:`post` sends one request through the same gate for other outbound traffic (webhooks), and
:func:`host_port` names the address a URL connects to, for allow-lists.
"""

from __future__ import annotations

import hashlib
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from functools import partial
from typing import TypeVar
from urllib.parse import quote, urljoin, urlsplit

from verification.sources.addresses import address_refusal
from verification.sources.bodies import BodyDecoder, human_size, status_error
from verification.sources.errors import FetchError

__all__ = [
    "FetchError",
    "FetchPolicy",
    "FetchResult",
    "address_refusal",
    "url_refusal",
    "fetch",
    "host_port",
    "post",
    "PostAnswer",
    "resolve_host",
]

DEFAULT_USER_AGENT = "Factdesk/0.1 (+fact-checking source archiver)"
DEFAULT_CONTENT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/pdf")
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK_SIZE = 64 * 1024

_HOSTNAME_RE = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*\.?$")
_CANONICAL_IPV4_RE = re.compile(
    r"^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$"
)


@dataclass(frozen=True)
class FetchPolicy:
    """The rules one fetch runs under; the defaults are the production rules."""

    allow_private_addresses: bool = False
    timeout_seconds: float = 10.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    allowed_content_types: tuple = DEFAULT_CONTENT_TYPES
    per_host_concurrency: int = 2


@dataclass(frozen=True)
class FetchResult:
    """A successful fetch: the decoded body and where it came from.

    ``content_type`` is the response's Content-Type header as sent (parameters such as charset
    included); ``redirects`` lists every URL that answered with a redirect, in order, so the full
    chain is ``redirects + [final_url]``.
    """

    requested_url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    sha256: str
    fetched_at: datetime
    redirects: list[str] = field(default_factory=list)
    # Validators for a later conditional GET; status 304 (empty body) answers one.
    etag: str = ""
    last_modified: str = ""


def resolve_host(host: str, port: int) -> list[str]:
    """Return the IP addresses ``host`` resolves to, in the resolver's order.

    This is the only place the fetcher asks DNS; tests replace it because resolution leaves the
    machine.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    addresses: list[str] = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        address = sockaddr[0]
        if address not in addresses:
            addresses.append(address)
    return addresses


# Names that only mean something inside a network (RFC 6761, RFC 6762, RFC 8375, and the
# conventional ones), refused before DNS is asked.
_LOCAL_NAME_SUFFIXES = ("localhost", "local", "internal", "home.arpa", "lan", "intranet")


def url_refusal(url: str, policy: FetchPolicy = FetchPolicy()) -> str | None:  # noqa: B008
    """Why ``url`` would be refused, as far as that shows without asking DNS, or None.

    For checking a web address when someone enters it; the fetch checks the resolved addresses
    again, since a public name may still point at an internal address.
    """
    try:
        target = _parse_target(url)
    except FetchError as error:
        return error.reason
    if target.literal is not None:
        return address_refusal(target.literal, allow_private=policy.allow_private_addresses)
    name = target.host.rstrip(".")
    if not policy.allow_private_addresses and (
        "." not in name
        or name.endswith(tuple(f".{s}" for s in _LOCAL_NAME_SUFFIXES))
        or name in _LOCAL_NAME_SUFFIXES
    ):
        return f"refused: {target.host} is a local host name"
    return None


def host_port(url: str) -> str | None:
    """``host:port`` that ``url`` connects to, or None if the URL is refused.

    The host as the guard reads it (an IDNA name in lower case; an IPv6 literal in brackets), the
    port filled in from the scheme: the form an allow-list of trusted internal hosts names.
    """
    try:
        target = _parse_target(url)
    except FetchError:
        return None
    host = f"[{target.host}]" if ":" in target.host else target.host
    return f"{host}:{target.port}"


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str  # IDNA-encoded name or IP literal without brackets
    port: int
    request_target: str  # path and query, percent-encoded
    literal: ipaddress.IPv4Address | ipaddress.IPv6Address | None


def _parse_target(url: str) -> _Target:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"refused: not a valid URL ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = scheme or "none"
        raise FetchError(f"refused: only http and https URLs are fetched, not {shown}")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise FetchError("refused: URLs with credentials in them are not fetched")
    raw_host = parts.hostname
    if not raw_host:
        raise FetchError("refused: the URL has no host")
    if port == 0:
        raise FetchError("refused: port 0 is not a valid port")
    host, literal = _normalise_host(raw_host)
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = quote(parts.query, safe="/?%:@!$&'()*+,;=-._~")
    request_target = f"{path}?{query}" if query else path
    return _Target(
        url=url.strip(),
        scheme=scheme,
        host=host,
        port=port or (443 if scheme == "https" else 80),
        request_target=request_target,
        literal=literal,
    )


def _normalise_host(
    raw_host: str,
) -> tuple[str, ipaddress.IPv4Address | ipaddress.IPv6Address | None]:
    if ":" in raw_host:  # urlsplit only leaves a colon in a bracketed IPv6 literal
        try:
            return raw_host, ipaddress.IPv6Address(raw_host)
        except ValueError as exc:
            raise FetchError(f"refused: {raw_host} is not a valid IPv6 address") from exc
    try:
        host = raw_host.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise FetchError(f"refused: {raw_host} is not a valid host name") from exc
    labels = host.rstrip(".").split(".")
    last = labels[-1]
    # Browsers read a host whose last label is a number as an IPv4 address in any of several
    # spellings (2130706433, 0x7f.1, 017700000001, 127.1); resolvers do too. Only the canonical
    # dotted quad is accepted, so the address we check is the one a human reads.
    ends_in_number = last.isdigit() or (
        last[:2] == "0x" and all(c in "0123456789abcdef" for c in last[2:])
    )
    if ends_in_number:
        dotted = ".".join(labels)
        if not _CANONICAL_IPV4_RE.match(dotted):
            raise FetchError(f"refused: host {raw_host} is an IP address in a non-standard form")
        return dotted, ipaddress.IPv4Address(dotted)
    if not _HOSTNAME_RE.match(host):
        raise FetchError(f"refused: {raw_host} is not a valid host name")
    return host, None


class _Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.ends_at = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.ends_at - time.monotonic()
        if left <= 0:
            raise self.error()
        return left

    def expired(self) -> bool:
        return time.monotonic() >= self.ends_at

    def error(self) -> FetchError:
        return FetchError(f"timed out after {self.seconds:g} s", transient=True)


def _checked_addresses(target: _Target, policy: FetchPolicy, deadline: _Deadline) -> list[str]:
    if target.literal is not None:
        addresses = [target.literal]
    else:
        names = _resolve_within(target.host, target.port, deadline)
        if not names:
            raise FetchError(f"host not found: {target.host}")
        try:
            addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in names]
        except ValueError as exc:
            raise FetchError(f"host {target.host} resolved to a malformed address") from exc
    for address in addresses:
        reason = address_refusal(address, allow_private=policy.allow_private_addresses)
        if reason is not None:
            raise FetchError(reason)
    return [str(a) for a in addresses]


def _resolve_within(host: str, port: int, deadline: _Deadline) -> list[str]:
    # getaddrinfo has no timeout of its own; run it in a daemon thread and stop waiting at the
    # deadline (the thread finishes on its own when the resolver gives up).
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["addresses"] = resolve_host(host, port)
        except (OSError, UnicodeError) as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=run, name=f"resolve {host}", daemon=True)
    worker.start()
    worker.join(deadline.remaining())
    if worker.is_alive():
        raise deadline.error()
    error = outcome.get("error")
    if isinstance(error, socket.gaierror):
        transient = error.errno in (socket.EAI_AGAIN, getattr(socket, "EAI_SYSTEM", None))
        raise FetchError(f"host not found: {host}", transient=transient) from error
    if error is not None:
        raise FetchError(f"could not resolve {host}: {error}", transient=True) from error
    return list(outcome["addresses"])


# Per-host politeness. The semaphores are process-local: N worker processes may each run
# ``per_host_concurrency`` requests to one host, so the real bound is N times the setting.
_host_slots_lock = threading.Lock()
_host_slots: dict[str, list] = {}  # host -> [semaphore, holders and waiters]


@contextmanager
def _host_slot(host: str, policy: FetchPolicy, deadline: _Deadline) -> Iterator[None]:
    with _host_slots_lock:
        entry = _host_slots.setdefault(
            host, [threading.BoundedSemaphore(max(1, policy.per_host_concurrency)), 0]
        )
        entry[1] += 1
    acquired = False
    try:
        acquired = entry[0].acquire(timeout=deadline.remaining())
        if not acquired:
            raise deadline.error()
        yield
    finally:
        if acquired:
            entry[0].release()
        with _host_slots_lock:
            entry[1] -= 1
            if entry[1] == 0:
                del _host_slots[host]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection that talks to an already-checked address instead of resolving."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    default_port = 443

    def __init__(self, host: str, port: int, *, address: str, timeout: float):
        super().__init__(host, port, address=address, timeout=timeout)
        self.tls_context = ssl.create_default_context()

    def connect(self) -> None:
        super().connect()
        # SNI and certificate checks use the host name from the URL, not the address.
        self.sock = self.tls_context.wrap_socket(self.sock, server_hostname=self.host)


@contextmanager
def _watchdog(connection: http.client.HTTPConnection, deadline: _Deadline) -> Iterator[None]:
    """Cut the connection at the deadline, however slowly the server drips bytes.

    Socket timeouts restart on every received byte, so they alone cannot bound the total time.
    """

    def cut() -> None:
        sock = connection.sock
        if sock is not None:
            try:
                # The plain socket method: SSLSocket.shutdown would tear down TLS state that the
                # reading thread is still using.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass  # already closed: nothing left to cut

    timer = threading.Timer(max(0.0, deadline.ends_at - time.monotonic()), cut)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


@dataclass
class _Response:
    status: int
    content_type: str
    location: str | None
    body: bytes
    etag: str = ""
    last_modified: str = ""


@contextmanager
def _pinned_connection(
    target: _Target, address: str, deadline: _Deadline
) -> Iterator[http.client.HTTPConnection]:
    """A connection to the checked ``address`` for ``target``, cut at the deadline and closed
    after; what goes wrong on the wire comes out as a FetchError."""
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(
        target.host, target.port, address=address, timeout=deadline.remaining()
    )
    try:
        with _watchdog(connection, deadline):
            yield connection
    except FetchError:
        raise
    except ssl.SSLCertVerificationError as exc:
        raise FetchError(
            f"refused: the certificate of {target.host} could not be verified "
            f"({exc.verify_message})"
        ) from exc
    except TimeoutError as exc:
        raise deadline.error() from exc
    except (ssl.SSLError, http.client.HTTPException, OSError) as exc:
        if deadline.expired():
            raise deadline.error() from exc
        raise _connection_error(target, exc) from exc
    finally:
        connection.close()


def _exchange(
    target: _Target,
    address: str,
    policy: FetchPolicy,
    deadline: _Deadline,
    conditions: dict[str, str] | None = None,
) -> _Response:
    """Send one GET to ``address`` and read the answer (the body only for a 2xx)."""
    accept = ", ".join(policy.allowed_content_types) + ", */*;q=0.1"
    with _pinned_connection(target, address, deadline) as connection:
        connection.putrequest("GET", target.request_target, skip_accept_encoding=True)
        connection.putheader("User-Agent", policy.user_agent)
        connection.putheader("Accept", accept)
        connection.putheader("Accept-Encoding", "gzip, deflate")
        connection.putheader("Connection", "close")
        for name, value in (conditions or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        if deadline.expired():
            # The watchdog cut the socket mid-headers, which http.client reads as their end.
            raise deadline.error()
        status = response.status
        if status in REDIRECT_STATUSES:
            return _Response(status, "", response.getheader("Location"), b"")
        if status == 304 and conditions:
            return _Response(status, "", None, b"", *_validators(response))
        if not 200 <= status < 300:
            raise status_error(status)
        content_type = _check_content_type(response.getheader("Content-Type"), policy)
        body = _read_body(response, policy, deadline)
        return _Response(status, content_type, None, body, *_validators(response))


def _validators(response: http.client.HTTPResponse) -> tuple[str, str]:
    """ETag and Last-Modified, kept only when short enough to send back."""
    etag = (response.getheader("ETag") or "").strip()
    modified = (response.getheader("Last-Modified") or "").strip()
    return (etag if len(etag) <= 500 else ""), (modified if len(modified) <= 100 else "")


def _connection_error(target: _Target, exc: Exception) -> FetchError:
    if isinstance(exc, ConnectionRefusedError):
        return FetchError(f"connection refused by {target.host}", transient=True)
    if isinstance(exc, ssl.SSLError):
        return FetchError(f"secure connection to {target.host} failed ({exc.reason})")
    closed_early = (ConnectionError, http.client.IncompleteRead, http.client.RemoteDisconnected)
    if isinstance(exc, closed_early):
        return FetchError(f"connection to {target.host} was closed early", transient=True)
    if isinstance(exc, http.client.HTTPException):
        return FetchError(f"{target.host} sent a malformed HTTP response")
    return FetchError(f"could not connect to {target.host} ({exc.strerror or exc})", transient=True)


def _check_content_type(header: str | None, policy: FetchPolicy) -> str:
    if not header or not header.strip():
        raise FetchError("not a supported type: the server sent no Content-Type")
    message = Message()
    message["Content-Type"] = header
    media_type = message.get_content_type()
    if media_type not in policy.allowed_content_types:
        raise FetchError(f"not a supported type: {media_type}")
    return header.strip()


def _read_body(
    response: http.client.HTTPResponse, policy: FetchPolicy, deadline: _Deadline
) -> bytes:
    declared = response.getheader("Content-Length")
    if declared and declared.strip().isdigit() and int(declared) > policy.max_bytes:
        raise FetchError(f"too large: over {human_size(policy.max_bytes)}")
    encoding = (response.getheader("Content-Encoding") or "").strip().lower()
    decoder = BodyDecoder(encoding, policy.max_bytes)
    parts = []
    wire_size = 0
    while True:
        deadline.remaining()
        chunk = response.read1(CHUNK_SIZE)
        if not chunk:
            break
        wire_size += len(chunk)
        if wire_size > policy.max_bytes:
            raise FetchError(f"too large: over {human_size(policy.max_bytes)}")
        parts.append(decoder.feed(chunk))
    if deadline.expired():
        # The watchdog cut the socket, which reads as a clean end of the body.
        raise deadline.error()
    parts.append(decoder.finish())
    return b"".join(parts)


# A frozen dataclass is immutable, so one shared default instance is safe.
def fetch(
    url: str,
    policy: FetchPolicy = FetchPolicy(),  # noqa: B008
    *,
    conditions: dict[str, str] | None = None,
) -> FetchResult:
    """Fetch ``url`` under ``policy``, following redirects by hand; raise FetchError if refused.

    ``conditions`` (If-None-Match, If-Modified-Since) make it a conditional GET: an unchanged
    resource comes back as status 304 with an empty body.
    """
    deadline = _Deadline(policy.timeout_seconds)
    redirects: list[str] = []
    current = url
    while True:
        target = _parse_target(current)
        addresses = _checked_addresses(target, policy, deadline)
        with _host_slot(target.host, policy, deadline):
            exchange = partial(
                _exchange, target, policy=policy, deadline=deadline, conditions=conditions
            )
            response = _on_any_address(addresses, exchange)
        if response.status not in REDIRECT_STATUSES:
            break
        if not response.location or not response.location.strip():
            raise FetchError(f"redirect without a Location header (HTTP {response.status})")
        if len(redirects) >= policy.max_redirects:
            raise FetchError(f"too many redirects: more than {policy.max_redirects}")
        redirects.append(target.url)
        current = urljoin(target.url, response.location.strip())
    return FetchResult(
        requested_url=url,
        final_url=target.url,
        status=response.status,
        content_type=response.content_type,
        body=response.body,
        sha256=hashlib.sha256(response.body).hexdigest(),
        fetched_at=datetime.now(UTC),
        redirects=redirects,
        etag=response.etag,
        last_modified=response.last_modified,
    )


_Answer = TypeVar("_Answer")


def _on_any_address(addresses: list[str], attempt: Callable[[str], _Answer]) -> _Answer:
    """Try the checked addresses in order until one accepts the connection."""
    last_error: FetchError | None = None
    for address in addresses:
        try:
            return attempt(address)
        except FetchError as exc:
            if not exc.reason.startswith(("connection refused", "could not connect")):
                raise
            last_error = exc
    assert last_error is not None  # addresses is never empty
    raise last_error


@dataclass(frozen=True)
class PostAnswer:
    """What a POST came back with: the status and the first ``max_bytes`` of the body, raw."""

    status: int
    body: bytes


def post(url: str, *, body: bytes, headers: dict[str, str], policy: FetchPolicy) -> PostAnswer:
    """POST ``body`` to ``url`` through the address guard; raise FetchError if it gets no answer.

    The gate is :func:`fetch`'s: the URL is checked, the host resolved once, every address checked
    (``policy.allow_private_addresses`` lets a trusted internal receiver through; metadata
    addresses stay refused), and the connection goes to a checked address, TLS verifying the host
    name. ``policy.timeout_seconds`` bounds it all. Redirects are not followed: a 3xx is an answer
    like any other. The answer's body is read up to ``policy.max_bytes`` and the rest left unread;
    content types and encodings are not checked.
    """
    deadline = _Deadline(policy.timeout_seconds)
    target = _parse_target(url)
    addresses = _checked_addresses(target, policy, deadline)
    headers = {**headers, "Connection": "close"}

    def attempt(address: str) -> PostAnswer:
        with _pinned_connection(target, address, deadline) as connection:
            connection.request("POST", target.request_target, body=body, headers=headers)
            response = connection.getresponse()
            if deadline.expired():
                raise deadline.error()
            return PostAnswer(response.status, response.read(policy.max_bytes))

    return _on_any_address(addresses, attempt)
