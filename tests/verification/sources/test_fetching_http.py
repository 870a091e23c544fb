"""Fetching from a real local server: redirects, deadlines, size caps, encodings and types."""

import gzip
import hashlib
import threading
import time
import tracemalloc
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC

import pytest

from verification.sources.fetching import DEFAULT_USER_AGENT, FetchError, FetchPolicy, fetch

LOCAL = FetchPolicy(allow_private_addresses=True, timeout_seconds=5)
PAGE = b"<html><head><title>Hi</title></head><body><p>Hello.</p></body></html>"


def test_a_page_is_fetched_with_its_type_hash_and_our_user_agent(site):
    @site.route("/page")
    def page(handler):
        site.send(handler, 200, PAGE, "text/html; charset=utf-8")

    result = fetch(site.url("/page"), LOCAL)

    assert result.status == 200
    assert result.body == PAGE
    assert result.content_type == "text/html; charset=utf-8"
    assert result.sha256 == hashlib.sha256(PAGE).hexdigest()
    assert result.requested_url == result.final_url == site.url("/page")
    assert result.redirects == []
    assert result.fetched_at.tzinfo is UTC
    assert site.requests[0][1]["User-Agent"] == DEFAULT_USER_AGENT


def test_redirects_are_followed_and_recorded_in_order(site):
    site.routes["/old"] = lambda h: site.redirect(h, "/moved", 301)
    site.routes["/moved"] = lambda h: site.redirect(h, site.url("/new"), 307)
    site.routes["/new"] = lambda h: site.send(h, 200, PAGE, "text/html")

    result = fetch(site.url("/old"), LOCAL)

    assert result.final_url == site.url("/new")
    assert result.redirects == [site.url("/old"), site.url("/moved")]
    assert result.body == PAGE


def _chain(site, length):
    for i in range(length):
        site.routes[f"/hop{i}"] = lambda h, n=i: site.redirect(h, f"/hop{n + 1}")
    site.routes[f"/hop{length}"] = lambda h: site.send(h, 200, b"end", "text/plain")


def test_five_redirects_are_followed(site):
    _chain(site, 5)
    result = fetch(site.url("/hop0"), LOCAL)
    assert result.body == b"end"
    assert len(result.redirects) == 5


def test_a_sixth_redirect_is_refused(site):
    _chain(site, 6)
    with pytest.raises(FetchError) as refused:
        fetch(site.url("/hop0"), LOCAL)
    assert refused.value.reason == "too many redirects: more than 5"
    assert refused.value.transient is False
    assert [path for path, _ in site.requests] == [f"/hop{i}" for i in range(6)]


def test_a_redirect_to_the_metadata_service_is_refused_at_the_hop(site, connect_attempts):
    site.routes["/go"] = lambda h: site.redirect(h, "http://169.254.169.254/latest/meta-data/")
    with pytest.raises(FetchError) as refused:
        fetch(site.url("/go"), LOCAL)
    assert refused.value.reason == "refused: address 169.254.169.254 is a cloud metadata address"
    assert connect_attempts == ["127.0.0.1"]


def test_a_redirect_to_a_numeric_spelling_of_this_server_is_refused_at_the_hop(site):
    # The hop points at the live listener: a guard that let it through would be seen connecting.
    site.routes["/go"] = lambda h: site.redirect(h, f"http://2130706433:{site.port}/")
    with pytest.raises(FetchError) as refused:
        fetch(site.url("/go"), LOCAL)
    assert (
        refused.value.reason == "refused: host 2130706433 is an IP address in a non-standard form"
    )
    assert site.connections == 1


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("file:///etc/passwd", "refused: only http and https URLs are fetched, not file"),
        ("gopher://127.0.0.1:70/_", "refused: only http and https URLs are fetched, not gopher"),
        ("http://admin:admin@127.0.0.1/", "refused: URLs with credentials in them are not fetched"),
        ("http://0x7f.1/", "refused: host 0x7f.1 is an IP address in a non-standard form"),
    ],
)
def test_a_redirect_to_a_forbidden_url_is_refused_at_the_hop(site, location, reason):
    site.routes["/go"] = lambda h: site.redirect(h, location)
    with pytest.raises(FetchError) as refused:
        fetch(site.url("/go"), LOCAL)
    assert refused.value.reason == reason
    assert site.connections == 1


def test_a_slow_server_times_out_at_the_deadline(site):
    @site.route("/slow")
    def slow(handler):
        time.sleep(3)
        site.send(handler, 200, b"late", "text/plain")

    started = time.monotonic()
    with pytest.raises(FetchError) as failed:
        fetch(site.url("/slow"), FetchPolicy(allow_private_addresses=True, timeout_seconds=1))
    elapsed = time.monotonic() - started
    assert failed.value.reason == "timed out after 1 s"
    assert failed.value.transient is True
    assert 0.9 < elapsed < 2


def test_a_server_dripping_bytes_is_cut_off_at_the_total_deadline(site):
    @site.route("/drip")
    def drip(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.end_headers()
        for _ in range(40):  # each byte arrives well inside any per-read timeout
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.1)

    started = time.monotonic()
    with pytest.raises(FetchError) as failed:
        fetch(site.url("/drip"), FetchPolicy(allow_private_addresses=True, timeout_seconds=1))
    assert failed.value.reason == "timed out after 1 s"
    assert time.monotonic() - started < 2


def test_a_server_dripping_headers_is_cut_off_at_the_total_deadline(site):
    @site.route("/slow-headers")
    def slow_headers(handler):
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for i in range(40):  # a header line every 0.1 s never trips a per-read timeout
            handler.wfile.write(f"X-Filler-{i}: x\r\n".encode())
            handler.wfile.flush()
            time.sleep(0.1)

    started = time.monotonic()
    with pytest.raises(FetchError) as failed:
        fetch(
            site.url("/slow-headers"), FetchPolicy(allow_private_addresses=True, timeout_seconds=1)
        )
    assert failed.value.reason == "timed out after 1 s"
    assert failed.value.transient is True
    assert time.monotonic() - started < 2


def test_a_body_over_the_cap_is_refused_while_streaming(site):
    sent = []

    @site.route("/huge")
    def huge(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.end_headers()  # no Content-Length: the cap must hold while reading
        chunk = b"a" * 65536
        for _ in range(800):  # 50 MB if nobody stops reading
            handler.wfile.write(chunk)
            sent.append(len(chunk))

    policy = FetchPolicy(allow_private_addresses=True, max_bytes=1024 * 1024)
    with pytest.raises(FetchError) as refused:
        fetch(site.url("/huge"), policy)
    assert refused.value.reason == "too large: over 1 MB"
    assert refused.value.transient is False
    time.sleep(0.2)
    assert sum(sent) < 50 * 1024 * 1024


def test_a_declared_length_over_the_cap_is_refused_before_reading(site):
    site.routes["/big"] = lambda h: site.send(h, 200, b"b" * 2048, "text/plain")
    with pytest.raises(FetchError) as refused:
        fetch(site.url("/big"), FetchPolicy(allow_private_addresses=True, max_bytes=1024))
    assert refused.value.reason == "too large: over 1 KB"


def test_a_gzip_bomb_is_refused_without_inflating_it_in_memory(site):
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100 * 1024
    site.routes["/bomb"] = lambda h: site.send(
        h, 200, bomb, "text/html", {"Content-Encoding": "gzip"}
    )
    policy = FetchPolicy(allow_private_addresses=True, max_bytes=1024 * 1024)

    tracemalloc.start()
    try:
        with pytest.raises(FetchError) as refused:
            fetch(site.url("/bomb"), policy)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.reason == "too large: over 1 MB"
    assert peak < 8 * 1024 * 1024


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data, wbits=-15)),
    ],
)
def test_compressed_bodies_are_decoded(site, encoding, encode):
    site.routes["/z"] = lambda h: site.send(
        h, 200, encode(PAGE), "text/html", {"Content-Encoding": encoding}
    )
    result = fetch(site.url("/z"), LOCAL)
    assert result.body == PAGE
    assert result.sha256 == hashlib.sha256(PAGE).hexdigest()
    assert site.requests[0][1]["Accept-Encoding"] == "gzip, deflate"


def test_an_unsupported_content_type_is_refused(site):
    site.routes["/cat.png"] = lambda h: site.send(h, 200, b"\x89PNG....", "image/png")
    with pytest.raises(FetchError) as refused:
        fetch(site.url("/cat.png"), LOCAL)
    assert refused.value.reason == "not a supported type: image/png"
    assert refused.value.transient is False


def test_a_response_without_a_content_type_is_refused(site):
    site.routes["/mystery"] = lambda h: site.send(h, 200, b"???", None)
    with pytest.raises(FetchError) as refused:
        fetch(site.url("/mystery"), LOCAL)
    assert refused.value.reason == "not a supported type: the server sent no Content-Type"


@pytest.mark.parametrize(
    ("status", "reason", "transient"),
    [
        (404, "not found (HTTP 404)", False),
        (410, "gone (HTTP 410)", False),
        (403, "refused by the server (HTTP 403)", False),
        (429, "rate limited by the server (HTTP 429)", True),
        (503, "server error (HTTP 503)", True),
    ],
)
def test_error_statuses_say_what_happened_and_whether_to_retry(site, status, reason, transient):
    site.routes["/x"] = lambda h: site.send(h, status, b"nope", "text/html")
    with pytest.raises(FetchError) as failed:
        fetch(site.url("/x"), LOCAL)
    assert (failed.value.reason, failed.value.transient) == (reason, transient)


def test_a_closed_port_is_a_transient_failure(site):
    port = site.port
    site.server.shutdown()
    site.server.server_close()
    with pytest.raises(FetchError) as failed:
        fetch(f"http://127.0.0.1:{port}/", LOCAL)
    assert failed.value.reason == "connection refused by 127.0.0.1"
    assert failed.value.transient is True


def test_no_more_than_the_per_host_limit_of_requests_run_at_once(site):
    active = 0
    most = 0
    lock = threading.Lock()

    @site.route("/busy")
    def busy(handler):
        nonlocal active, most
        with lock:
            active += 1
            most = max(most, active)
        time.sleep(0.3)
        with lock:
            active -= 1
        site.send(handler, 200, b"ok", "text/plain")

    policy = FetchPolicy(allow_private_addresses=True, per_host_concurrency=2)
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: fetch(site.url("/busy"), policy), range(6)))
    assert [r.body for r in results] == [b"ok"] * 6
    assert most == 2
