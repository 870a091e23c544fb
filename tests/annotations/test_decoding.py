"""Bytes to text for uploads and archived sources (annotations/decoding.py)."""

import base64

import pytest

from annotations.decoding import NotText, decode_text
from verification.sources.extraction import LIGHT_HTML_BYTES, ExtractionError, extract

LATIN_BEHIND_A_MARK = b"\xff\xfe" + "The caf\xe9 was closed on Monday, said the mayor.".encode(
    "latin-1"
)
BINARY = bytes(range(256)) * 64


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("naïve café — 😀".encode(), "naïve café — 😀"),
        (b"\xef\xbb\xbfwith a mark", "with a mark"),
        ("Hello wörld\nand 東京".encode("utf-16"), "Hello wörld\nand 東京"),
        (b"\xfe\xff" + "Hello wörld".encode("utf-16-be"), "Hello wörld"),
        (b"tab\tand\fform feed\r\n", "tab\tand\fform feed\r\n"),
    ],
)
def test_text_in_utf8_or_with_a_unicode_mark_is_read_exactly(body, text):
    assert decode_text(body) == text


def test_a_declared_encoding_is_used():
    assert decode_text("naïve € text".encode("cp1252"), "windows-1252") == "naïve € text"


def test_bytes_that_are_not_utf8_are_refused_unless_replacing_is_asked_for():
    with pytest.raises(NotText, match=r"not UTF-8 \(byte 3 is invalid\)"):
        decode_text(b"caf\xe9 ok")
    assert decode_text(b"caf\xe9 ok", replace_bad=True) == "caf\ufffd ok"


@pytest.mark.parametrize("replace_bad", [False, True])
def test_a_unicode_mark_in_front_of_other_bytes_is_refused(replace_bad):
    # Decoded as UTF-16 these bytes would "read" as a line of Chinese characters.
    with pytest.raises(NotText, match="mark, but the bytes after it are not"):
        decode_text(LATIN_BEHIND_A_MARK, replace_bad=replace_bad)


@pytest.mark.parametrize("replace_bad", [False, True])
def test_binary_data_is_refused(replace_bad):
    with pytest.raises(NotText):
        decode_text(BINARY, replace_bad=replace_bad)


def test_valid_utf8_full_of_control_characters_is_refused():
    with pytest.raises(NotText, match="control characters"):
        decode_text(b"\x01\x02\x03\x04 word " * 50)
    # A stray one is not.
    assert decode_text(b"one stray \x00 in a line of text") == "one stray \x00 in a line of text"


def test_mostly_undecodable_text_is_refused_even_when_replacing():
    body = "мир " * 100
    with pytest.raises(NotText, match="not UTF-8 text, nor in an encoding it declares"):
        decode_text(body.encode("cp1251"), replace_bad=True)


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "text/html", "text/html; charset=utf-8", "application/xhtml+xml"],
)
@pytest.mark.parametrize("body", [BINARY, LATIN_BEHIND_A_MARK])
def test_a_source_that_is_not_text_is_not_archived_whatever_its_label(body, content_type):
    with pytest.raises(ExtractionError, match="not readable text"):
        extract(body, content_type)


def test_binary_data_labelled_html_is_refused_by_the_large_page_extractor_too():
    body = b"<html><body>" + BINARY * 100 + b"</body></html>"
    assert len(body) > LIGHT_HTML_BYTES
    with pytest.raises(ExtractionError, match="not readable text"):
        extract(body, "text/html")


def test_even_length_bytes_behind_a_utf16_mark_are_refused():
    # They decode "cleanly" as UTF-16, into one long word of CJK and private-use characters.
    body = b"\xff\xfe" + bytes([0x41, 0x4E, 0xE9, 0x9F, 0x80, 0xFF, 0x62, 0x6A] * 4000)
    with pytest.raises(
        NotText, match="UTF-16 byte-order mark, but the bytes after it are not UTF-16 text"
    ):
        decode_text(body)


@pytest.mark.parametrize("label", ["base64", "rot13", "zlib", "punycode", "undefined", "nonsense"])
def test_a_declared_encoding_that_is_not_one_is_ignored(label):
    # Browsers ignore a label they do not know; a bytes codec must not crash the decoding.
    assert decode_text(b"The mayor said so.", label) == "The mayor said so."
    assert extract(b"The mayor said so.", f"text/plain; charset={label}").text == (
        "The mayor said so."
    )


def test_a_page_labelled_latin1_is_read_as_windows_1252_as_browsers_do():
    assert decode_text("\u201cQuoted\u201d".encode("cp1252"), "iso-8859-1") == (
        "\u201cQuoted\u201d"
    )


def test_text_in_other_scripts_is_text():
    assert decode_text("東京は日本の首都です。人口は約1400万人です。".encode())
    assert decode_text("مرحبا بالعالم، هذه جملة عربية طويلة بما يكفي للحكم عليها.".encode())


def test_one_stray_byte_in_a_large_fetched_page_is_decoded_in_linear_time():
    line = b"The minister said that forty two people were injured in Kyiv on Tuesday. "
    body = line * (5 * 1024 * 1024 // len(line)) + b"\xff"
    assert decode_text(body, replace_bad=True).endswith("Tuesday. \ufffd")


def test_a_web_page_declaring_a_bytes_codec_is_read_not_a_crash():
    page = b"<html><head><title>T</title></head><body><p>The mayor said so.</p></body></html>"
    assert "The mayor said so." in extract(page, "text/html; charset=base64").text


def test_a_page_with_a_large_inline_image_is_still_read():
    # Base64 runs without a space for far longer than prose may; in markup that is not binary.
    image = base64.b64encode(bytes(range(256)) * 400).decode()
    page = (
        f'<html><head><title>Report</title></head><body><img src="data:image/png;base64,{image}">'
        "<p>The audit office found that the bridge cost 58 million euros.</p></body></html>"
    ).encode()
    assert "58 million euros" in extract(page, "text/html").text
