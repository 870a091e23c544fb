"""HTTPS goes to the checked address but still verifies the certificate for the host name."""

import datetime
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.local_site import LocalSite, running
from verification.sources import fetching
from verification.sources.fetching import FetchError, FetchPolicy, fetch

LOCAL = FetchPolicy(allow_private_addresses=True, timeout_seconds=5)


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject, issuer, public_key, signing_key, *, ca, dns_name=None):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if dns_name:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(dns_name)]), critical=False
        )
    return builder.sign(signing_key, hashes.SHA256())


@pytest.fixture
def authority(tmp_path):
    """A throwaway certificate authority; returns (CA file, issue(dns_name) -> server context)."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _certificate("Test CA", "Test CA", ca_key.public_key(), ca_key, ca=True)
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))

    def issue(dns_name):
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _certificate(
            dns_name, "Test CA", key.public_key(), ca_key, ca=False, dns_name=dns_name
        )
        cert_file = tmp_path / f"{dns_name}.pem"
        key_file = tmp_path / f"{dns_name}.key"
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        return context

    return ca_file, issue


@pytest.fixture
def news_example_resolves_here(monkeypatch):
    monkeypatch.setattr(fetching, "resolve_host", lambda host, port: ["127.0.0.1"])


def test_https_sends_the_host_name_for_sni_and_accepts_its_valid_certificate(
    authority, news_example_resolves_here, monkeypatch, connect_attempts
):
    ca_file, issue = authority
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    server_context = issue("news.example")
    sni_names = []
    server_context.sni_callback = lambda sock, name, ctx: sni_names.append(name)

    with running(LocalSite(tls=server_context)) as site:
        site.routes["/story"] = lambda h: site.send(h, 200, b"secure story", "text/plain")
        result = fetch(site.url("/story", host="news.example"), LOCAL)

    assert result.body == b"secure story"
    assert result.final_url == f"https://news.example:{site.port}/story"
    assert sni_names == ["news.example"]
    assert connect_attempts == ["127.0.0.1"]


def test_https_refuses_a_certificate_issued_for_another_host(
    authority, news_example_resolves_here, monkeypatch
):
    ca_file, issue = authority
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    with running(LocalSite(tls=issue("other.example"))) as site:
        with pytest.raises(FetchError) as refused:
            fetch(site.url("/", host="news.example"), LOCAL)
    assert refused.value.reason.startswith(
        "refused: the certificate of news.example could not be verified (Hostname mismatch"
    )
    assert refused.value.transient is False


def test_https_refuses_a_certificate_from_an_unknown_authority(
    authority, news_example_resolves_here, monkeypatch, tmp_path
):
    _, issue = authority
    empty_bundle = tmp_path / "empty.pem"
    empty_bundle.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(empty_bundle))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    with running(LocalSite(tls=issue("news.example"))) as site:
        with pytest.raises(FetchError) as refused:
            fetch(site.url("/", host="news.example"), LOCAL)
    assert refused.value.reason.startswith(
        "refused: the certificate of news.example could not be verified ("
    )
    assert "issuer" in refused.value.reason
