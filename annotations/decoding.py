"""Bytes of an uploaded or fetched document to text, or a clear refusal when they are not text.

Used for article uploads here and for archived sources in verification, so both read a file the
same way: UTF-16 or UTF-32 with a byte-order mark, a declared encoding, else UTF-8 (a web page:
else windows-1252, as browsers read one, see `decode_html`). No other
encoding is guessed (a guess from a few accented letters is often wrong, and a wrong letter in a
quote is worse than a marked one). Binary data (an executable, an image renamed .txt, a UTF-16
mark in front of bytes that are not UTF-16) is refused rather than turned into mojibake that a
reviewer, or the cross-check engine, would read as words. Linear in the size of the body.
"""

import codecs
import re

# A text may hold a few stray control characters or undecodable bytes; beyond this share of
# its characters (and this many) it is not text.
MAX_BAD_SHARE = 0.02
MIN_BAD = 8
# Text has a space, a line break or a punctuation mark every so often, in any script; bytes
# that merely decode (a stray UTF-16 mark before Latin-1, a binary) read as one endless word.
MIN_SEPARATOR_SHARE = 0.01
MIN_CHARS_TO_JUDGE = 64
# Control characters other than tab, line breaks and form feed (C0, DEL and C1).
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SEPARATORS = re.compile(
    r"[\s.,;:!?\u3001\u3002\uff0c\uff0e\uff01\uff1f\uff1b\uff1a\u060c\u061b\u061f\u0964]"
)
# Private-use characters: what bytes of another encoding become when read as UTF-16.
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff\U000f0000-\U0010ffff]")
_UNICODE_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Codecs that decode bytes but are not a text's character encoding (base64, zlib and the like
# are not text encodings at all; these are).
_NOT_DOCUMENT_ENCODINGS = frozenset(
    {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined"}
)
# As browsers read them (WHATWG Encoding): a page labelled Latin-1 is windows-1252.
_LABEL_ALIASES = {"iso8859-1": "cp1252", "ascii": "cp1252"}


class NotText(ValueError):
    """The bytes are not readable text; ``reason`` is written for a person."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def decode_text(
    body: bytes, declared: str | None = None, *, replace_bad: bool = False, markup: bool = False
) -> str:
    """Return the text of ``body``; raise NotText when it is binary data or not in its encoding.

    ``declared`` is the encoding the document states (an HTTP charset or an HTML <meta>).
    With ``replace_bad`` a few bytes that do not decode become U+FFFD (a fetched page with a
    stray byte is still worth reading); without it they are refused (an article people
    annotate must stay exactly as written). With ``markup`` the body is HTML, which is not
    asked for separators: its tags and embedded data (a base64 image) run long without one.
    """
    text = _decode(body, declared, replace_bad)
    if _too_many(len(_CONTROLS.findall(text)), text):
        raise NotText("it holds control characters that text does not have (binary data?)")
    if not markup and not _has_separators(text):
        raise NotText("it has no spaces, line breaks or punctuation, as text has (binary data?)")
    return text


def _has_separators(text: str) -> bool:
    if len(text) < MIN_CHARS_TO_JUDGE:
        return True
    needed = MIN_SEPARATOR_SHARE * len(text)
    # Counting the commonest ones first is a pass in C per character; prose passes at once.
    if sum(text.count(ch) for ch in " \n\u3000\u3002") >= needed:
        return True
    return len(_SEPARATORS.findall(text)) >= needed


def _decode(body: bytes, declared: str | None, replace_bad: bool) -> str:
    for mark, encoding in _UNICODE_MARKS:
        if body.startswith(mark):
            try:
                text = body.decode(encoding)  # the codec reads the mark and drops it
            except UnicodeError:
                text = None
            if text is None or not _has_separators(text) or _PRIVATE_USE.search(text):
                raise NotText(
                    f"it starts with a {encoding.upper()} byte-order mark, but the bytes after "
                    f"it are not {encoding.upper()} text"
                )
            return text
    if body.startswith(codecs.BOM_UTF8):
        body = body[len(codecs.BOM_UTF8) :]
    encoding = encoding_of(declared) or "utf-8"
    try:
        return body.decode(encoding)
    except UnicodeError as error:
        invalid = getattr(error, "start", 0)
    name = "UTF-8" if encoding == "utf-8" else encoding
    if not replace_bad:
        raise NotText(f"it is not {name} (byte {invalid} is invalid)")
    text = body.decode(encoding, errors="replace")
    if _too_many(text.count("\ufffd"), text):
        raise NotText(f"it is not {name} text, nor in an encoding it declares (binary data?)")
    return text


def _too_many(bad: int, text: str) -> bool:
    return bad > MIN_BAD and bad > MAX_BAD_SHARE * len(text)


def encoding_of(label: str | bytes | None) -> str | None:
    """The Python codec of a declared character encoding, or None if it is not one we read.

    Labels are read as browsers read them (Latin-1 means windows-1252); a label that names no
    text encoding (base64, zlib) or a UTF-16 without its mark is ignored, not obeyed.
    """
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    try:
        info = codecs.lookup(label.strip().strip("\"'"))
    except LookupError:
        return None
    name = _LABEL_ALIASES.get(info.name, info.name)
    # A declared UTF-16 or UTF-32 without a mark is not trusted: an ASCII <meta> cannot
    # truthfully declare it, and even-length ASCII decodes "cleanly" as UTF-16.
    if (
        not getattr(info, "_is_text_encoding", True)
        or name in _NOT_DOCUMENT_ENCODINGS
        or name.startswith(("utf-16", "utf-32"))
    ):
        return None
    return name


# A <meta charset="..."> (or an http-equiv Content-Type with a charset) near the top of a page;
# bounded, so a hostile page cannot make the search slow.
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{1,40})""", re.IGNORECASE
)


def html_declared_charset(body: bytes) -> str | None:
    """The charset label a page's <meta> declares in its first 4 KB, as written, or None."""
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii") if match else None


# An XML declaration, which may name an encoding (XHTML); lxml refuses a str that still has one.
_XML_DECLARATION = re.compile(r"""^\s*<\?xml[^>]{0,200}\?>""")
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}encoding\s*=\s*["']([a-zA-Z0-9_.:-]{1,40})""")


def html_encoding(body: bytes, header_charset: str | None = None) -> str:
    """Pick the encoding a browser would: UTF-8 mark, HTTP header, XML declaration, <meta>.

    Undeclared, a page is UTF-8 if it decodes as UTF-8, else windows-1252 (the web's legacy
    default). A UTF-16 or UTF-32 mark is read by `decode_text` itself.
    """
    if body.startswith(codecs.BOM_UTF8):
        return "utf-8"
    from_header = encoding_of(header_charset)
    if from_header:
        return from_header
    xml = _XML_ENCODING.search(body[:4096])
    for label in (xml.group(1) if xml else None, html_declared_charset(body)):
        declared = encoding_of(label)
        if declared:
            return declared
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def decode_html(
    body: bytes, header_charset: str | None = None, *, replace_bad: bool = False
) -> str:
    """Return the markup of a web page decoded as a browser would; raise NotText for binary data.

    An image or an executable named or served as HTML is refused like any other bytes that are
    not text. The XML declaration is dropped: the markup is already decoded.
    """
    markup = decode_text(
        body, html_encoding(body, header_charset), replace_bad=replace_bad, markup=True
    )
    return _XML_DECLARATION.sub("", markup, count=1)
