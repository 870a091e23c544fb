"""Bytes of an uploaded or fetched document to text, or a clear refusal when they are not text.

Used for article uploads here and for archived sources in verification, so both read a file the
same way: a byte-order mark or a declared encoding, else UTF-8. No other encoding is guessed (a
guess from a few accented letters is often wrong, and a wrong letter in a quote is worse than a
marked one). Binary data (an executable, an image renamed .txt, a UTF-16 mark in front of bytes
that are not UTF-16) is refused rather than turned into mojibake that a reviewer, or the
cross-check engine, would read as words.
"""

import codecs
import re

import charset_normalizer

# A text may hold a few stray control characters or undecodable bytes; beyond this share of
# its characters (and this many) it is not text.
MAX_BAD_SHARE = 0.02
MIN_BAD = 8
# Control characters other than tab, line breaks and form feed (C0, DEL and C1).
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_UNICODE_MARKS = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)


class NotText(ValueError):
    """The bytes are not readable text; ``reason`` is written for a person."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def decode_text(body: bytes, declared: str | None = None, *, replace_bad: bool = False) -> str:
    """Return the text of ``body``; raise NotText when it is binary data or not in its encoding.

    ``declared`` is the encoding the document states (an HTTP charset or an HTML <meta>).
    With ``replace_bad`` a few bytes that do not decode become U+FFFD (a fetched page with a
    stray byte is still worth reading); without it they are refused (an article people
    annotate must stay exactly as written).
    """
    text = _decode(body, declared, replace_bad)
    if _too_many(len(_CONTROLS.findall(text)), text):
        raise NotText("it holds control characters that text does not have (binary data?)")
    return text


def _decode(body: bytes, declared: str | None, replace_bad: bool) -> str:
    if body.startswith(_UNICODE_MARKS):
        # The detector confirms the mark: Latin-1 bytes behind a stray mark decode "cleanly"
        # as UTF-16 into Chinese-looking nonsense.
        best = charset_normalizer.from_bytes(body).best()
        if best is not None and best.encoding.startswith(("utf_16", "utf_32")):
            return str(best)
        raise NotText("it starts with a UTF-16 or UTF-32 mark, but its bytes are not")
    if body.startswith(codecs.BOM_UTF8):
        body = body[len(codecs.BOM_UTF8) :]
    encoding = _codec(declared) or "utf-8"
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as error:
        invalid = error.start
    name = "UTF-8" if encoding == "utf-8" else encoding
    if not replace_bad:
        raise NotText(f"it is not {name} (byte {invalid} is invalid)")
    if charset_normalizer.from_bytes(body).best() is None:
        raise NotText("it is binary data, not text")
    text = body.decode(encoding, errors="replace")
    if _too_many(text.count("\ufffd"), text):
        raise NotText(f"it is not {name}, nor in an encoding it declares")
    return text


def _too_many(bad: int, text: str) -> bool:
    return bad > MIN_BAD and bad > MAX_BAD_SHARE * len(text)


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    # A declared UTF-16 or UTF-32 without a mark is not trusted: an ASCII <meta> cannot
    # truthfully declare it, and even-length ASCII decodes "cleanly" as UTF-16.
    return None if name.startswith(("utf-16", "utf-32")) else name
