"""fetching.post: one POST through the fetcher's address guard, for outbound traffic (webhooks)."""

import pytest

from tests.verification.webhooks.receiver import Receiver
from verification.sources import fetching
from verification.sources.fetching import FetchError, FetchPolicy, host_port, post

TRUSTED = FetchPolicy(allow_private_addresses=True, timeout_seconds=5.0, max_bytes=1000)


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


def test_a_post_reaches_a_trusted_receiver_and_reads_at_most_max_bytes_of_the_answer(receiver):
    receiver.script.append((202, b"y" * 5000))

    answer = post(receiver.url(), body=b'{"a": 1}', headers={"X-Test": "yes"}, policy=TRUSTED)

    assert (answer.status, answer.body) == (202, b"y" * 1000)
    [request] = receiver.requests
    assert request["body"] == b'{"a": 1}'
    assert request["headers"]["x-test"] == "yes"
    assert request["headers"]["connection"] == "close"
    assert request["headers"]["host"] == receiver.host_port


def test_a_redirect_is_an_answer_not_followed(receiver):
    receiver.script.append((302, b"moved"))

    answer = post(receiver.url(), body=b"{}", headers={}, policy=TRUSTED)

    assert answer.status == 302
    assert len(receiver.requests) == 1


def test_an_internal_address_is_refused_before_any_connection(receiver, connect_attempts):
    with pytest.raises(FetchError, match="refused: address 127.0.0.1 is internal"):
        post(receiver.url(), body=b"{}", headers={}, policy=FetchPolicy())

    assert connect_attempts == [] and receiver.requests == []


def test_a_public_name_that_resolves_inside_is_refused_after_dns(connect_attempts, monkeypatch):
    monkeypatch.setattr(fetching, "resolve_host", lambda host, port: ["10.0.0.5"])

    with pytest.raises(FetchError, match="refused: address 10.0.0.5 is internal"):
        post("https://hooks.example.org/in", body=b"{}", headers={}, policy=FetchPolicy())

    assert connect_attempts == []


def test_metadata_addresses_stay_refused_for_a_trusted_receiver(connect_attempts):
    with pytest.raises(FetchError, match="cloud metadata"):
        post("http://169.254.169.254/latest/", body=b"{}", headers={}, policy=TRUSTED)

    assert connect_attempts == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://Hooks.Example.org/in", "hooks.example.org:443"),
        ("http://hooks.example.org/in", "hooks.example.org:80"),
        ("http://[::1]:8080/in", "[::1]:8080"),
        ("http://bücher.example/in", "xn--bcher-kva.example:80"),
        ("ftp://hooks.example.org/in", None),
        ("http://0x7f.1/in", None),
    ],
)
def test_host_port_names_the_host_and_port_a_url_connects_to(url, expected):
    assert host_port(url) == expected
