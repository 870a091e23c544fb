"""Turn a fetched or uploaded source into its main text.

Plain Python, no Django import. HTML goes through trafilatura (boilerplate removal), PDF through
pypdf (text per page), plain text is decoded. Every path ends in the same normalisation: NFC,
"\\n" line endings, no control characters, paragraphs separated by one blank line.

A document that the libraries cannot read raises :class:`ExtractionError` with a reason a person
understands; callers record it on the source instead of crashing the worker. Size and page caps
keep hostile input bounded; the Celery task's time limit is the last resort for anything else.
"""

from __future__ import annotations

import codecs
import datetime
import io
import re
import struct
import time
import unicodedata
import zlib
from dataclasses import dataclass
from email.message import Message

import lxml.etree
import lxml.html
import pypdf
import pypdf.errors
import trafilatura
from trafilatura.xml import xmltotxt

from annotations.decoding import NotText, decode_text, encoding_of, html_declared_charset

__all__ = [
    "EXTRACTOR_NAME",
    "EXTRACTOR_VERSION",
    "Extracted",
    "ExtractionError",
    "extract",
]

EXTRACTOR_NAME = "factdesk-extract"
# Bump the leading number when our own post-processing changes; the library versions are part of
# the version because an upgrade can change the text and so look like a changed source.
EXTRACTOR_VERSION = f"1+trafilatura-{trafilatura.__version__}+pypdf-{pypdf.__version__}"

MAX_INPUT_BYTES = 20 * 1024 * 1024
# Above this, HTML goes through a plain lxml pass instead of trafilatura, whose scoring holds
# several copies of the tree: a 5 MB page took about 125 MB there, against a 100 MB budget.
LIGHT_HTML_BYTES = 1536 * 1024
LIGHT_EXTRACTOR_NAME = "factdesk-extract-light"
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "template",
    "button",
    "select",
)
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "main",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "table",
        "tr",
        "td",
        "th",
        "dd",
        "dt",
        "figcaption",
        "br",
        "hr",
    }
)
MAX_PDF_PAGES = 2000
PDF_TIME_LIMIT_SECONDS = 60.0
MAX_TITLE_CHARS = 300

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PDF_TYPES = frozenset({"application/pdf"})
TEXT_TYPES = frozenset({"text/plain"})

# Errors the parsing libraries raise on malformed input. Listed, not `Exception`, so a bug of ours
# (a NameError, say) still surfaces as a bug.
_PARSER_ERRORS = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    AssertionError,
    RecursionError,
    OverflowError,
    UnicodeError,
    LookupError,
    struct.error,
    zlib.error,
    lxml.etree.LxmlError,
    pypdf.errors.PyPdfError,
)

# WHATWG Encoding Standard: these labels mean windows-1252 on the web, and a page that says UTF-16
# in a <meta> is really ASCII-compatible.
_XML_DECLARATION_RE = re.compile(r"""^\s*<\?xml[^>]{0,200}\?>""")
_XML_ENCODING_RE = re.compile(
    rb"""^\s*<\?xml[^>]{0,200}encoding\s*=\s*["']([a-zA-Z0-9_.:-]{1,40})"""
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL_CHARS_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufeff\ufffe\uffff]")
_TRAILING_SPACE_RE = re.compile(r"[ \t]+\n")
_BLANK_LINES_RE = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Extracted:
    title: str
    text: str
    extractor: str
    extractor_version: str
    # The page's publication date, where its metadata states one (HTML only); the engine reads
    # the page's relative dates ("last year") against it.
    published_on: datetime.date | None = None


class ExtractionError(Exception):
    """A document whose text could not be extracted; ``reason`` is written for a person."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def extract(body: bytes, content_type: str, *, url: str = "") -> Extracted:
    """Return the title and main text of ``body``, read as ``content_type``."""
    if len(body) > MAX_INPUT_BYTES:
        raise ExtractionError(f"too large to extract: over {MAX_INPUT_BYTES // (1024 * 1024)} MB")
    media_type, charset = _parse_content_type(content_type)
    if not media_type:
        media_type = _sniff(body)
    extractor = EXTRACTOR_NAME
    published_on = None
    if media_type in HTML_TYPES and len(body) > LIGHT_HTML_BYTES:
        title, text = _extract_html_light(body, charset)
        extractor = LIGHT_EXTRACTOR_NAME
    elif media_type in HTML_TYPES:
        title, text, published_on = _extract_html(body, charset, url)
    elif media_type in PDF_TYPES:
        title, text = _extract_pdf(body)
    elif media_type in TEXT_TYPES:
        text = _clean_text(_decode_text(body, charset))
        title = _first_line(text)
    else:
        raise ExtractionError(f"not a supported type: {media_type}")
    return Extracted(
        title=_clean_title(title),
        text=text,
        extractor=extractor,
        extractor_version=EXTRACTOR_VERSION,
        published_on=published_on,
    )


def _parse_content_type(content_type: str) -> tuple[str, str | None]:
    if not content_type or not content_type.strip():
        return "", None
    message = Message()
    message["Content-Type"] = content_type
    return message.get_content_type(), message.get_param("charset")


def _sniff(body: bytes) -> str:
    """Guess the type of an upload that came without one."""
    head = body[:1024].lstrip().lower()
    if body.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head:
        return "text/html"
    return "text/plain"


def _html_encoding(body: bytes, header_charset: str | None) -> str:
    """Pick the encoding a browser would: BOM, then header, then <meta>/XML declaration."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    from_header = encoding_of(header_charset)
    if from_header:
        return from_header
    xml = _XML_ENCODING_RE.search(body[:4096])
    for label in (xml.group(1) if xml else None, html_declared_charset(body)):
        # A <meta> that says UTF-16 cannot be true of the ASCII it is written in: not trusted.
        declared = encoding_of(label)
        if declared:
            return declared
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"  # the web's legacy default
    return "utf-8"


def _decode_text(body: bytes, charset: str | None, *, markup: bool = False) -> str:
    try:
        return decode_text(body, charset, replace_bad=True, markup=markup)
    except NotText as error:
        raise ExtractionError(f"not readable text: {error.reason}") from None


def _html_markup(body: bytes, charset: str | None) -> str:
    """Decode a page as a browser would, refusing binary data served as HTML."""
    # The same refusal as plain text and uploads: an image or an executable that a server
    # labels text/html would otherwise be archived as a page of mojibake (or of nothing).
    markup = _decode_text(body, _html_encoding(body, charset), markup=True)
    # lxml refuses a str that still declares an encoding, and trafilatura would then re-parse the
    # bytes with the declared one: drop the declaration, the text is already decoded.
    return _XML_DECLARATION_RE.sub("", markup, count=1)


def _extract_html(
    body: bytes, charset: str | None, url: str
) -> tuple[str, str, datetime.date | None]:
    markup = _html_markup(body, charset)
    if not markup.strip():
        return "", "", None
    try:
        document = trafilatura.bare_extraction(
            markup,
            url=url or None,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            deduplicate=False,
        )
        if document is None or not (document.text or "").strip():
            # Short pages (a statement, a press release stub) fall below the precision
            # thresholds; recall mode keeps them rather than reporting an empty source.
            document = trafilatura.bare_extraction(
                markup,
                url=url or None,
                with_metadata=True,
                include_comments=False,
                include_tables=True,
                favor_recall=True,
                deduplicate=False,
            )
    except _PARSER_ERRORS as exc:
        raise ExtractionError(f"the HTML could not be read ({type(exc).__name__})") from exc
    if document is None:
        return _html_title(markup), "", None
    title = document.title or _html_title(markup)
    return title, _clean_text(_blocks_to_text(document.body)), _iso_date(document.date)


def _iso_date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def _extract_html_light(body: bytes, charset: str | None) -> tuple[str, str]:
    """Main text of a very large page: drop scripts and page furniture, keep block breaks."""
    markup = _html_markup(body, charset)
    if not markup.strip():
        return "", ""
    try:
        tree = lxml.html.document_fromstring(markup)
    except _PARSER_ERRORS as exc:
        raise ExtractionError(f"the HTML could not be read ({type(exc).__name__})") from exc
    del markup
    title = tree.findtext(".//title") or ""
    for element in list(tree.iter(*_DROP_TAGS)):  # a list: dropping while iterating skips some
        if element.getparent() is not None:
            element.drop_tree()
    for element in tree.iter(lxml.etree.Element):
        if element.tag in _BLOCK_TAGS:
            element.tail = "\n\n" + (element.tail or "")
    root = tree.find("body")
    text = (root if root is not None else tree).text_content()
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return title, _clean_text("\n".join(lines))


def _blocks_to_text(body: lxml.etree._Element | None) -> str:
    """Join trafilatura's top-level blocks with blank lines, one block per paragraph."""
    if body is None:
        return ""
    blocks = []
    for element in body:
        block = xmltotxt(element, include_formatting=False).strip()
        if block:
            blocks.append(block)
    return "\n\n".join(blocks)


def _html_title(markup: str) -> str:
    try:
        tree = lxml.html.document_fromstring(markup)
    except _PARSER_ERRORS:
        return ""
    return tree.findtext(".//title") or ""


def _extract_pdf(body: bytes) -> tuple[str, str]:
    started = time.monotonic()
    try:
        reader = pypdf.PdfReader(io.BytesIO(body), strict=False)
        if reader.is_encrypted:
            # Many PDFs are encrypted only to restrict printing, with an empty user password.
            if reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
                raise ExtractionError("the PDF is protected by a password")
        page_count = len(reader.pages)
        if page_count > MAX_PDF_PAGES:
            raise ExtractionError(f"the PDF has {page_count} pages, more than {MAX_PDF_PAGES}")
        pages = []
        for page in reader.pages:
            if time.monotonic() - started > PDF_TIME_LIMIT_SECONDS:
                raise ExtractionError(
                    f"the PDF took more than {PDF_TIME_LIMIT_SECONDS:g} s to read"
                )
            pages.append(_clean_text(page.extract_text() or ""))
        title = _pdf_title(reader)
    except pypdf.errors.FileNotDecryptedError as exc:
        raise ExtractionError("the PDF is protected by a password") from exc
    except pypdf.errors.DependencyError as exc:
        raise ExtractionError(
            f"the PDF uses an encryption this server cannot read ({exc})"
        ) from exc
    except _PARSER_ERRORS as exc:
        raise ExtractionError(f"the PDF could not be read ({type(exc).__name__})") from exc
    text = "\n\n".join(page for page in pages if page)
    return title or _first_line(text), text


def _pdf_title(reader: pypdf.PdfReader) -> str:
    metadata = reader.metadata
    title = metadata.title if metadata is not None else None
    return title if isinstance(title, str) else ""


def _clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n").replace("\f", "\n\n")
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL_CHARS_RE.sub("", text)
    text = _TRAILING_SPACE_RE.sub("\n", text)
    text = _BLANK_LINES_RE.sub("\n\n", text)
    return text.strip()


def _clean_title(title: str) -> str:
    title = " ".join(_clean_text(title or "").split())
    return title[:MAX_TITLE_CHARS]


def _first_line(text: str) -> str:
    for line in text.split("\n"):
        if line.strip():
            return line.strip()
    return ""
