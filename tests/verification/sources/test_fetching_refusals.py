"""Server-side request forgery: every internal target is refused before a connection is made."""

import ipaddress

import pytest

from verification.sources import fetching
from verification.sources.fetching import FetchError, FetchPolicy, address_refusal, fetch

PRODUCTION = FetchPolicy()
LOCAL_TESTING = FetchPolicy(allow_private_addresses=True, timeout_seconds=5)

ODD_FORM = "is an IP address in a non-standard form"
META = "is a cloud metadata address"

# Each spelling reaches this machine if the guard lets it through; {port} is the live listener.
LOOPBACK_FORMS = [
    ("http://127.0.0.1:{port}/", "refused: address 127.0.0.1 is internal"),
    ("http://127.8.9.10:{port}/", "refused: address 127.8.9.10 is internal"),
    ("http://0.0.0.0:{port}/", "refused: address 0.0.0.0 is internal"),
    ("http://[::1]:{port}/", "refused: address ::1 is internal"),
    ("http://[::]:{port}/", "refused: address :: is internal"),
    ("http://[::ffff:127.0.0.1]:{port}/", "refused: address ::ffff:7f00:1 is internal"),
    ("http://[::ffff:7f00:1]:{port}/", "refused: address ::ffff:7f00:1 is internal"),
    ("http://[::127.0.0.1]:{port}/", "refused: address ::7f00:1 is internal"),
    ("http://[64:ff9b::127.0.0.1]:{port}/", "refused: address 64:ff9b::7f00:1 is internal"),
    ("http://[2002:7f00:1::]:{port}/", "refused: address 2002:7f00:1:: is internal"),
    (
        "http://2130706433:{port}/",
        f"refused: host 2130706433 {ODD_FORM}",
    ),
    ("http://0x7f.1:{port}/", f"refused: host 0x7f.1 {ODD_FORM}"),
    (
        "http://0x7f000001:{port}/",
        f"refused: host 0x7f000001 {ODD_FORM}",
    ),
    (
        "http://017700000001:{port}/",
        f"refused: host 017700000001 {ODD_FORM}",
    ),
    (
        "http://0177.0.0.1:{port}/",
        f"refused: host 0177.0.0.1 {ODD_FORM}",
    ),
    ("http://127.1:{port}/", f"refused: host 127.1 {ODD_FORM}"),
    (
        "http://127.000.000.001:{port}/",
        f"refused: host 127.000.000.001 {ODD_FORM}",
    ),
    ("http://localhost:{port}/", "refused: address 127.0.0.1 is internal"),
]


@pytest.mark.parametrize(("template", "reason"), LOOPBACK_FORMS)
def test_every_spelling_of_this_machine_is_refused_without_a_connection(
    site, connect_attempts, template, reason
):
    url = template.format(port=site.port)
    with pytest.raises(FetchError) as refused:
        fetch(url, PRODUCTION)
    assert refused.value.reason == reason
    assert refused.value.transient is False
    assert connect_attempts == []
    assert site.connections == 0


# Literal internal addresses elsewhere; the autouse guard stops any connect before it is sent.
INTERNAL_LITERALS = [
    ("http://10.0.0.5/", "refused: address 10.0.0.5 is internal"),
    ("http://172.16.4.4/", "refused: address 172.16.4.4 is internal"),
    ("http://192.168.1.1/", "refused: address 192.168.1.1 is internal"),
    ("http://100.64.0.1/", "refused: address 100.64.0.1 is internal"),
    ("http://169.254.1.1/", "refused: address 169.254.1.1 is internal"),
    ("http://224.0.0.1/", "refused: address 224.0.0.1 is internal"),
    ("http://240.0.0.1/", "refused: address 240.0.0.1 is internal"),
    ("http://255.255.255.255/", "refused: address 255.255.255.255 is internal"),
    ("http://[fe80::1]/", "refused: address fe80::1 is internal"),
    ("http://[fc00::1]/", "refused: address fc00::1 is internal"),
    ("http://[ff02::1]/", "refused: address ff02::1 is internal"),
    ("http://[::ffff:10.0.0.5]/", "refused: address ::ffff:a00:5 is internal"),
    ("http://[::ffff:0:10.0.0.5]/", "refused: address ::ffff:0:a00:5 is internal"),
    ("http://[2002:c0a8:101::1]/", "refused: address 2002:c0a8:101::1 is internal"),
    (
        "http://169.254.169.254/latest/meta-data/",
        f"refused: address 169.254.169.254 {META}",
    ),
    ("http://[fd00:ec2::254]/", f"refused: address fd00:ec2::254 {META}"),
    ("http://100.100.100.200/", f"refused: address 100.100.100.200 {META}"),
    (
        "http://[::ffff:169.254.169.254]/",
        f"refused: address ::ffff:a9fe:a9fe {META}",
    ),
]


@pytest.mark.parametrize(("url", "reason"), INTERNAL_LITERALS)
def test_internal_and_metadata_addresses_are_refused_before_connecting(
    connect_attempts, url, reason
):
    with pytest.raises(FetchError) as refused:
        fetch(url, PRODUCTION)
    assert refused.value.reason == reason
    assert connect_attempts == []


BAD_URLS = [
    ("ftp://example.com/file.txt", "refused: only http and https URLs are fetched, not ftp"),
    ("file:///etc/passwd", "refused: only http and https URLs are fetched, not file"),
    ("gopher://127.0.0.1:70/", "refused: only http and https URLs are fetched, not gopher"),
    ("example.com/page", "refused: only http and https URLs are fetched, not none"),
    ("http://user:secret@example.com/", "refused: URLs with credentials in them are not fetched"),
    ("http://user@example.com/", "refused: URLs with credentials in them are not fetched"),
    ("http://example.com\\@127.0.0.1/", "refused: URLs with credentials in them are not fetched"),
    ("http:///path-only", "refused: the URL has no host"),
    ("http://exa mple.com/", "refused: exa mple.com is not a valid host name"),
    ("http://example.com:99999/", "refused: not a valid URL (Port out of range 0-65535)"),
]


@pytest.mark.parametrize(("url", "reason"), BAD_URLS)
def test_other_schemes_credentials_and_malformed_urls_are_refused(connect_attempts, url, reason):
    with pytest.raises(FetchError) as refused:
        fetch(url, PRODUCTION)
    assert refused.value.reason == reason
    assert refused.value.transient is False
    assert connect_attempts == []


def test_a_name_that_resolves_to_loopback_is_refused_without_a_connection(
    site, connect_attempts, monkeypatch
):
    monkeypatch.setattr(fetching, "resolve_host", lambda host, port: ["127.0.0.1"])
    with pytest.raises(FetchError) as refused:
        fetch(site.url("/", host="innocent.example"), PRODUCTION)
    assert refused.value.reason == "refused: address 127.0.0.1 is internal"
    assert connect_attempts == []
    assert site.connections == 0


def test_a_name_is_refused_when_any_one_of_its_addresses_is_internal(connect_attempts, monkeypatch):
    monkeypatch.setattr(
        fetching,
        "resolve_host",
        lambda host, port: ["93.184.215.14", "2606:4700::1111", "10.0.0.5"],
    )
    with pytest.raises(FetchError) as refused:
        fetch("https://mixed.example/", PRODUCTION)
    assert refused.value.reason == "refused: address 10.0.0.5 is internal"
    assert connect_attempts == []


def test_a_name_that_resolves_to_the_metadata_service_is_refused(connect_attempts, monkeypatch):
    monkeypatch.setattr(fetching, "resolve_host", lambda host, port: ["169.254.169.254"])
    with pytest.raises(FetchError) as refused:
        fetch("http://metadata.google.internal/computeMetadata/v1/", PRODUCTION)
    assert refused.value.reason == f"refused: address 169.254.169.254 {META}"
    assert connect_attempts == []


def test_a_name_that_does_not_resolve_is_a_permanent_failure(monkeypatch):
    import socket

    def no_such_host(host, port):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(fetching, "resolve_host", no_such_host)
    with pytest.raises(FetchError) as failed:
        fetch("https://gone.example/", PRODUCTION)
    assert failed.value.reason == "host not found: gone.example"
    assert failed.value.transient is False


def test_the_fetcher_connects_to_the_address_it_checked_and_resolves_once(
    site, connect_attempts, monkeypatch
):
    lookups = []

    def resolver(host, port):
        lookups.append((host, port))
        return ["127.0.0.1"]

    @site.route("/page")
    def page(handler):
        site.send(handler, 200, b"hello", "text/plain")

    monkeypatch.setattr(fetching, "resolve_host", resolver)
    result = fetch(site.url("/page", host="news.example"), LOCAL_TESTING)
    assert result.body == b"hello"
    assert lookups == [("news.example", site.port)]
    assert connect_attempts == ["127.0.0.1"]
    assert site.requests[0][1]["Host"] == f"news.example:{site.port}"


def test_metadata_addresses_stay_refused_even_when_private_addresses_are_allowed(connect_attempts):
    with pytest.raises(FetchError) as refused:
        fetch("http://169.254.169.254/latest/meta-data/", LOCAL_TESTING)
    assert refused.value.reason == f"refused: address 169.254.169.254 {META}"
    assert connect_attempts == []


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.5",
        "127.0.0.1",
        "100.64.0.1",
        "224.0.1.1",
        "::1",
        "fe80::1",
        "64:ff9b:1::1",
        "2001:db8::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "::ffff:192.168.0.1",
        "fec0::1",
    ],
)
def test_address_refusal_names_each_internal_address(address):
    ip = ipaddress.ip_address(address)
    assert address_refusal(ip) == f"refused: address {ip} is internal"
    assert address_refusal(ip, allow_private=True) is None


@pytest.mark.parametrize(
    "address",
    ["93.184.215.14", "1.1.1.1", "2606:4700::1111", "2002:5db8:d70e::1"],
)
def test_public_addresses_and_their_ipv6_wrappings_are_allowed(address):
    assert address_refusal(ipaddress.ip_address(address)) is None
