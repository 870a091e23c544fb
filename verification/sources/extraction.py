"""Turn a fetched or uploaded source into its main text.

Plain Python, no Django import. HTML goes through trafilatura (boilerplate removal), PDF through
pypdf (text per page), plain text is decoded. Decoding, the "not text" refusal, PDF text, titles,
limits and the clean-up at the end of every path (NFC, "\\n" line endings, no control characters,
paragraphs separated by one blank line) are the steps an uploaded article goes through too, in
annotations.decoding and annotations.documents; the main-text extraction is this module's own.

A document that the libraries cannot read raises :class:`ExtractionError` with a reason a person
understands; callers record it on the source instead of crashing the worker. Size and page caps
keep hostile input bounded; the Celery task's time limit is the last resort for anything else.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from email.message import Message

import lxml.etree
import lxml.html
import pypdf
import pypdf.errors
import trafilatura
from trafilatura.xml import xmltotxt

from annotations import documents
from annotations.decoding import NotText, decode_html, decode_text

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

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PDF_TYPES = frozenset({"application/pdf"})
TEXT_TYPES = frozenset({"text/plain"})


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
    try:
        documents.refuse_oversized(len(body), MAX_INPUT_BYTES)
    except documents.UnreadableDocument as error:
        raise ExtractionError(error.reason) from None
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
        text = documents.clean_text(_decode_text(body, charset))
        title = _first_line(text)
    else:
        raise ExtractionError(f"not a supported type: {media_type}")
    return Extracted(
        title=documents.clean_title(title),
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


def _decode_text(body: bytes, charset: str | None, *, markup: bool = False) -> str:
    try:
        return decode_text(body, charset, replace_bad=True, markup=markup)
    except NotText as error:
        raise ExtractionError(f"not readable text: {error.reason}") from None


def _html_markup(body: bytes, charset: str | None) -> str:
    """Decode a page as a browser would, refusing binary data served as HTML."""
    try:
        return decode_html(body, charset, replace_bad=True)
    except NotText as error:
        raise ExtractionError(f"not readable text: {error.reason}") from None


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
    except documents.PARSER_ERRORS as exc:
        raise ExtractionError(f"the HTML could not be read ({type(exc).__name__})") from exc
    if document is None:
        return documents.html_title(markup), "", None
    title = document.title or documents.html_title(markup)
    return title, documents.clean_text(_blocks_to_text(document.body)), _iso_date(document.date)


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
    except documents.PARSER_ERRORS as exc:
        raise ExtractionError(f"the HTML could not be read ({type(exc).__name__})") from exc
    del markup
    title = documents.html_title(tree)
    for element in list(tree.iter(*_DROP_TAGS)):  # a list: dropping while iterating skips some
        if element.getparent() is not None:
            element.drop_tree()
    for element in tree.iter(lxml.etree.Element):
        if element.tag in _BLOCK_TAGS:
            element.tail = "\n\n" + (element.tail or "")
    root = tree.find("body")
    text = (root if root is not None else tree).text_content()
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return title, documents.clean_text("\n".join(lines))


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


def _extract_pdf(body: bytes) -> tuple[str, str]:
    try:
        title, text = documents.pdf_to_text(body, max_pages=MAX_PDF_PAGES)
    except documents.UnreadableDocument as error:
        raise ExtractionError(error.reason) from error
    return title or _first_line(text), text


def _first_line(text: str) -> str:
    for line in text.split("\n"):
        if line.strip():
            return line.strip()
    return ""
