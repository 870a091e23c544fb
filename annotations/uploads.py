"""An uploaded article file (.txt, .html, .pdf) to its title and text, or a refusal saying why.

The whole visible text of a page is kept (an article is annotated as its reader saw it), unlike a
source, whose main text is extracted (verification/sources/extraction.py). Both read bytes through
annotations.decoding and PDFs, titles, limits and clean-up through annotations.documents; only
the visible-text parser below is the article's own.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext

from annotations import anchoring, documents
from annotations.decoding import NotText, decode_html, decode_text

ARTICLE_UPLOAD_TYPES = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html"}
ARTICLE_UPLOAD_TYPES[".pdf"] = "pdf"
# Fewer than a fetched source may have: an upload is read while its annotator waits.
MAX_PDF_PAGES = 500


def max_upload_bytes() -> int:
    return getattr(settings, "FACTDESK_FETCH_MAX_BYTES", 5 * 1024 * 1024)


def refuse_oversized_upload(upload) -> None:
    """Raise ValidationError when an uploaded file (an article or a source) is over the limit."""
    try:
        documents.refuse_oversized(upload.size, max_upload_bytes())
    except documents.UnreadableDocument:
        raise ValidationError(
            gettext("The file is %(size)s bytes; the limit is %(limit)s bytes.")
            % {
                "size": formats.number_format(upload.size, force_grouping=True),
                "limit": formats.number_format(max_upload_bytes(), force_grouping=True),
            }
        ) from None


def article_text_from_upload(upload) -> tuple[str, str]:
    """Return (title, canonical text) of an uploaded .txt, .html or .pdf file."""
    suffix = PurePath(upload.name or "").suffix.lower()
    kind = ARTICLE_UPLOAD_TYPES.get(suffix)
    if kind is None:
        raise ValidationError(f"Upload a .txt, .html or .pdf file (got “{suffix or 'no'}” type).")
    refuse_oversized_upload(upload)
    body = upload.read()
    fallback_title = PurePath(upload.name).stem.replace("_", " ").replace("-", " ").strip()
    if kind == "text":
        # A .txt file is the article as written: canonical form only (a NUL, which PostgreSQL
        # cannot store, is refused like the API refuses it).
        title, text = "", anchoring.canonical_text(_decode_plain_text(body))
        if "\x00" in text:
            raise ValidationError("The text file holds a NUL character; it is not plain text.")
    else:
        # Text made from markup or a PDF: the conversion's stray blank lines and control
        # characters go; tabs and line breaks stay.
        title, text = html_to_text(_decode_html(body)) if kind == "html" else _pdf_to_text(body)
        text = documents.clean_text(text, keep_layout=True)
    if not text.strip():
        raise ValidationError("No text was found in the file.")
    return (documents.clean_title(title) or fallback_title or "Untitled upload"), text


def _decode_plain_text(body: bytes) -> str:
    try:
        return decode_text(body)
    except NotText as error:
        raise ValidationError(
            f"The text file cannot be read: {error.reason}; save it as UTF-8."
        ) from None


def _decode_html(body: bytes) -> str:
    try:
        return decode_html(body)
    except NotText as error:
        raise ValidationError(f"The web page cannot be read: {error.reason}.") from None


class _HTMLText(HTMLParser):
    """Collect the visible text of an HTML document, one paragraph per block element."""

    BLOCKS = frozenset(
        "address article aside blockquote dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 "
        "h6 header hr li main nav ol p pre section table td th tr ul".split()
    )
    HIDDEN = frozenset("script style noscript template svg iframe object head".split())

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._buffer: list[str] = []
        self._hidden = 0
        self._pre = 0
        # The title is not part of the text (documents.html_title reads it).
        self._in_title = False

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in self.HIDDEN:
            self._hidden += 1
        elif tag == "br":
            self._buffer.append("\n")
        elif tag in self.BLOCKS:
            self._flush()
            self._pre += tag == "pre"

    def handle_startendtag(self, tag, attrs) -> None:
        if tag == "br":
            self._buffer.append("\n")
        elif tag in self.BLOCKS:
            self._flush()

    def handle_endtag(self, tag) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in self.HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self.BLOCKS:
            self._flush()
            self._pre = max(0, self._pre - (tag == "pre"))

    def handle_data(self, data) -> None:
        if not (self._hidden or self._in_title):
            self._buffer.append(data if self._pre else re.sub(r"\s+", " ", data))

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        paragraph = "".join(self._buffer)
        self._buffer = []
        if not self._pre:
            paragraph = "\n".join(line.strip() for line in paragraph.split("\n"))
        paragraph = paragraph.strip("\n")
        if paragraph.strip():
            self.paragraphs.append(paragraph)


def html_to_text(markup: str) -> tuple[str, str]:
    """Return (title, text) of an HTML document: visible text, paragraphs split by a blank line.

    The result is plain text; tags are dropped, never kept, so nothing from the file is rendered
    as HTML later.
    """
    parser = _HTMLText()
    parser.feed(markup)
    parser.close()
    return documents.clean_title(documents.html_title(markup)), "\n\n".join(parser.paragraphs)


def _pdf_to_text(body: bytes) -> tuple[str, str]:
    try:
        return documents.pdf_to_text(body, max_pages=MAX_PDF_PAGES, time_limit=None)
    except documents.UnreadableDocument as error:
        if error.code == "password":
            raise ValidationError("The PDF is protected by a password.") from None
        if error.code == "too_many_pages":
            raise ValidationError(f"The PDF has more than {MAX_PDF_PAGES} pages.") from None
        raise ValidationError(
            f"The PDF could not be read ({error.params.get('error', error.code)}); try a .txt or "
            ".html file."
        ) from None
