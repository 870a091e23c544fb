"""Main-text extraction from HTML, PDF and plain text, and its behaviour on hostile input."""

import io
import time

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import paths
from tests.pdfs import make_pdf
from verification.sources import extraction
from verification.sources.extraction import (
    EXTRACTOR_NAME,
    EXTRACTOR_VERSION,
    ExtractionError,
    extract,
)

FETCHING = paths.FIXTURES / "fetching"

ARTICLE = (FETCHING / "article.html").read_bytes()
CP1252_PAGE = (FETCHING / "windows-1252.html").read_bytes()


def test_html_extraction_keeps_the_article_paragraphs_separated_by_blank_lines():
    extracted = extract(ARTICLE, "text/html; charset=utf-8", url="https://courier.example/budget")

    assert extracted.title == "Council approves budget of 4.2 million euros"
    paragraphs = extracted.text.split("\n\n")
    assert paragraphs[0] == "Council approves budget of 4.2 million euros"
    assert (
        paragraphs[-1]
        == "The budget passed by 14 votes to 9. It takes effect on the first of April."
    )
    assert paragraphs[1].startswith("The Riverside town council voted on Tuesday evening")
    assert "“This is a budget for the people who live here,” he told the chamber." in paragraphs[2]
    assert (extracted.extractor, extracted.extractor_version) == (EXTRACTOR_NAME, EXTRACTOR_VERSION)


@pytest.mark.parametrize(
    "boilerplate",
    [
        "NAV-POLITICS",
        "SCRIPT-TRACKER-42",
        "INLINE-SCRIPT-AD",
        "NAVSTYLE",
        "FOOTER-COPYRIGHT",
        "Accept all cookies",
        "RELATED-LINK-ONE",
    ],
)
def test_html_extraction_drops_navigation_scripts_styles_footer_and_cookie_banner(boilerplate):
    assert boilerplate not in extract(ARTICLE, "text/html").text


def test_a_windows_1252_page_is_decoded_from_its_meta_charset():
    extracted = extract(CP1252_PAGE, "text/html")
    assert extracted.title == "Le café de la gare ferme après 80 ans"
    assert "Le loyer est passé de 1 200 € à 2 150 € par mois" in extracted.text
    assert "« C’est une page qui se tourne »" in extracted.text
    assert "\ufffd" not in extracted.text


def test_the_header_charset_wins_over_the_meta_charset():
    body = '<html><head><meta charset="iso-8859-2"></head><body><article><p>{}</p></article>'
    sentence = "Le café coûte 2 € depuis l’été dernier, disent les habitués du quartier de la gare."
    extracted = extract(body.format(sentence).encode("cp1252"), "text/html; charset=windows-1252")
    assert sentence in extracted.text


def test_an_xhtml_page_declaring_its_encoding_in_the_xml_prolog_is_decoded():
    sentence = "Müller sagte, die Brücke über den Fluss werde im März für zwölf Wochen gesperrt."
    body = (
        '<?xml version="1.0" encoding="iso-8859-15"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Brücke</title></head>'
        f"<body><article><p>{sentence}</p></article></body></html>"
    ).encode("iso-8859-15")
    extracted = extract(body, "application/xhtml+xml")
    assert sentence in extracted.text


def test_text_is_nfc_normalised_with_unix_line_endings():
    decomposed = "Cafe\u0301 society"  # e + combining acute
    body = f"{decomposed}\r\nsecond line\rthird line\x00\r\n\r\n\r\n\r\nlast".encode()
    extracted = extract(body, "text/plain")
    assert extracted.text == "Café society\nsecond line\nthird line\n\nlast"
    assert extracted.title == "Café society"


def test_plain_text_uses_its_declared_charset_and_replaces_bad_bytes_otherwise():
    assert extract("naïve € text".encode("cp1252"), "text/plain; charset=windows-1252").text == (
        "naïve € text"
    )
    assert extract(b"caf\xe9 ok", "text/plain").text == "caf\ufffd ok"


def test_pdf_text_is_extracted_page_by_page():
    extracted = extract((FETCHING / "report.pdf").read_bytes(), "application/pdf")
    assert extracted.title == "Annual Transport Report 2023"
    assert extracted.text == (
        "Annual Transport Report 2023\n"
        "Bus ridership rose by 8 percent to 2.4 million trips.\n\n"
        "Page two: the tram line carried 610,000 passengers."
    )


def test_a_pdf_without_a_title_is_named_by_its_first_line():
    pdf = make_pdf([["Minutes of the harbour board", "Present: five members."]])
    assert extract(pdf, "application/pdf").title == "Minutes of the harbour board"


def test_a_pdf_locked_with_a_password_is_a_clear_error():
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(make_pdf([["Secret minutes"]])))
    writer.encrypt(user_password="hunter2", owner_password="owner", algorithm="AES-128")
    locked = io.BytesIO()
    writer.write(locked)
    with pytest.raises(ExtractionError) as failed:
        extract(locked.getvalue(), "application/pdf")
    assert failed.value.reason == "the PDF is protected by a password"


def test_a_pdf_encrypted_only_against_printing_is_read():
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(make_pdf([["Open minutes of the board"]])))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    restricted = io.BytesIO()
    writer.write(restricted)
    assert extract(restricted.getvalue(), "application/pdf").text == "Open minutes of the board"


@pytest.mark.parametrize(
    "body",
    [b"%PDF-1.4\nthis is not a pdf at all", b"", b"\x00" * 100, make_pdf([["cut"]])[:60]],
)
def test_a_corrupt_pdf_is_a_clear_error(body):
    with pytest.raises(ExtractionError) as failed:
        extract(body, "application/pdf")
    assert failed.value.reason.startswith("the PDF could not be read (")


def test_an_unsupported_type_is_a_clear_error():
    with pytest.raises(ExtractionError) as failed:
        extract(b"GIF89a", "image/gif")
    assert failed.value.reason == "not a supported type: image/gif"


def test_an_oversized_document_is_refused_before_parsing():
    with pytest.raises(ExtractionError) as failed:
        extract(b"a" * (20 * 1024 * 1024 + 1), "text/plain")
    assert failed.value.reason == "too large to extract: over 20 MB"


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body><div><p>unclosed <b>bold <i>and <table><tr><td>cells",
        b"<" * 5000,
        b"<div>" * 20000 + b"deep" + b"</div>" * 20000,
        b"<html><body>" + b"<p>" + b"word " * 200_000 + b"</body></html>",
        b"\xff\xfe<\x00h\x00t\x00m\x00l\x00>\x00",
    ],
)
def test_broken_and_hostile_html_finishes_quickly_without_crashing(body):
    started = time.monotonic()
    extracted = extract(body, "text/html")
    assert isinstance(extracted.text, str)
    assert "\r" not in extracted.text
    assert time.monotonic() - started < 10


def test_a_short_statement_page_is_not_dropped_as_boilerplate():
    body = (
        b"<html><head><title>Statement</title></head><body><p>We deny the claim.</p></body></html>"
    )
    extracted = extract(body, "text/html")
    assert extracted.text == "We deny the claim."
    assert extracted.title == "Statement"


def test_a_document_without_a_type_is_sniffed():
    assert extract(make_pdf([["sniffed pdf"]]), "").text == "sniffed pdf"
    assert extract(b"just words", "").text == "just words"


_TAGS = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<script>",
        "</script>",
        "<nav>",
        "<article>",
        "<table>",
        "<td>",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "&amp;",
        "&#0;",
        "&#xD800;",
        "<meta charset=x>",
        "<?xml encoding='utf-16'?>",
        "<br/>",
        "<h1>",
        "<li>",
        "\x00",
        "\r",
        "\u202e",
    ]
)
_HTML_SOUP = st.lists(st.one_of(_TAGS, st.text(max_size=40)), max_size=60).map("".join)


@settings(
    database=None, max_examples=150, deadline=5000, suppress_health_check=[HealthCheck.too_slow]
)
@given(soup=_HTML_SOUP, encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def test_fuzzed_html_either_extracts_or_raises_extraction_error(soup, encoding):
    body = soup.encode(encoding, errors="replace")
    try:
        extracted = extract(body, "text/html")
    except ExtractionError:
        return
    assert "\r" not in extracted.text and "\x00" not in extracted.text


@settings(
    database=None, max_examples=150, deadline=5000, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    cuts=st.lists(st.tuples(st.integers(0, 2000), st.binary(max_size=8)), min_size=1, max_size=6)
)
def test_mutated_pdf_either_extracts_or_raises_extraction_error(cuts):
    pdf = bytearray((FETCHING / "report.pdf").read_bytes())
    for position, replacement in cuts:
        at = position % len(pdf)
        pdf[at : at + len(replacement)] = replacement
    try:
        extracted = extract(bytes(pdf), "application/pdf")
    except ExtractionError:
        return
    assert isinstance(extracted.text, str)


@settings(database=None, max_examples=100, deadline=5000)
@given(body=st.binary(max_size=4000), content_type=st.sampled_from(["text/html", "text/plain"]))
def test_random_bytes_either_extract_or_raise_extraction_error(body, content_type):
    try:
        extracted = extract(body, content_type)
    except ExtractionError:
        return
    assert "\x00" not in extracted.text


def test_a_very_large_page_uses_the_light_extractor_and_drops_page_furniture():
    paragraph = "<p>" + "The audit office reported the cost of the bridge. " * 20 + "</p>"
    page = (
        "<html><head><title>Huge report</title><script>var tracking = 1;</script></head><body>"
        "<nav>Home | World</nav><h1>Report</h1>" + paragraph * 1800 + "<p>Last words.</p>"
        "<footer>Copyright</footer></body></html>"
    ).encode()
    assert len(page) > extraction.LIGHT_HTML_BYTES
    result = extraction.extract(page, "text/html; charset=utf-8")
    assert result.extractor == extraction.LIGHT_EXTRACTOR_NAME
    assert result.title == "Huge report"
    assert result.text.startswith("Report\n\nThe audit office reported")
    assert result.text.endswith("Last words.")
    assert "tracking" not in result.text and "Home | World" not in result.text
    assert "Copyright" not in result.text
    assert result.text.count("\n\n") == 1801


def _page(head: bytes) -> bytes:
    body = b"The council voted last year to close the bridge, the mayor said on Tuesday. " * 5
    return b"<html><head><title>T</title>" + head + b"</head><body><article><p>" + body + (
        b"</p></article></body></html>"
    )


def test_the_publication_date_a_page_states_is_kept():
    stated = b'<meta property="article:published_time" content="2024-03-01T09:00:00Z">'
    assert str(extract(_page(stated), "text/html").published_on) == "2024-03-01"
    assert extract(_page(b""), "text/html").published_on is None
    assert extract(b"Plain text, last year.", "text/plain").published_on is None
