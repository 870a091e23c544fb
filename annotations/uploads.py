"""An uploaded article file (.txt, .html, .pdf) to its title and text, or a refusal saying why.

The whole visible text of a page is kept (an article is annotated as its reader saw it), unlike a
source, whose main text is extracted (verification/sources/extraction.py); both decode bytes and
read a declared charset through annotations.decoding.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import PurePath

import pypdf
import pypdf.errors
from django.conf import settings
from django.core.exceptions import ValidationError

from annotations import anchoring
from annotations.decoding import NotText, decode_text, html_declared_charset

ARTICLE_UPLOAD_TYPES = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html"}
ARTICLE_UPLOAD_TYPES[".pdf"] = "pdf"
MAX_PDF_PAGES = 500


def max_upload_bytes() -> int:
    return getattr(settings, "FACTDESK_FETCH_MAX_BYTES", 5 * 1024 * 1024)


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def article_text_from_upload(upload) -> tuple[str, str]:
    """Return (title, canonical text) of an uploaded .txt, .html or .pdf file."""
    suffix = PurePath(upload.name or "").suffix.lower()
    kind = ARTICLE_UPLOAD_TYPES.get(suffix)
    if kind is None:
        raise ValidationError(f"Upload a .txt, .html or .pdf file (got “{suffix or 'no'}” type).")
    if upload.size > max_upload_bytes():
        raise ValidationError(
            f"The file is {upload.size:,} bytes; the limit is {max_upload_bytes():,} bytes."
        )
    body = upload.read()
    fallback_title = PurePath(upload.name).stem.replace("_", " ").replace("-", " ").strip()
    if kind == "text":
        title, text = "", _decode_plain_text(body)
    elif kind == "html":
        title, text = html_to_text(_decode_html(body))
    else:
        title, text = _pdf_to_text(body)
    # Control characters are not text (PostgreSQL cannot even store a NUL); tabs and line
    # breaks stay.
    text = anchoring.canonical_text(text)
    if kind != "text":
        # Text made from markup or a PDF: the conversion's stray blank lines and control
        # characters go. A .txt file is the article as written and is kept as it is (a NUL,
        # which PostgreSQL cannot store, is refused like the API refuses it).
        text = _CONTROL_CHARS.sub("", text).strip("\n")
    elif "\x00" in text:
        raise ValidationError("The text file holds a NUL character; it is not plain text.")
    if not text.strip():
        raise ValidationError("No text was found in the file.")
    return (title.strip() or fallback_title or "Untitled upload"), text


def _decode_plain_text(body: bytes) -> str:
    try:
        return decode_text(body)
    except NotText as error:
        raise ValidationError(
            f"The text file cannot be read: {error.reason}; save it as UTF-8."
        ) from None


def _decode_html(body: bytes) -> str:
    label = html_declared_charset(body)
    try:
        return decode_text(body, label, markup=True)
    except NotText as error:
        if label is not None:
            raise ValidationError(f"The web page cannot be read: {error.reason}.") from None
    # Undeclared HTML is UTF-8 nowadays; browsers fall back to windows-1252 for legacy pages.
    try:
        return decode_text(body, "windows-1252", markup=True)
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
        self.title = ""
        self._buffer: list[str] = []
        self._hidden = 0
        self._pre = 0
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
        if self._in_title:
            self.title += data
        elif not self._hidden:
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
    return re.sub(r"\s+", " ", parser.title).strip(), "\n\n".join(parser.paragraphs)


def _pdf_to_text(body: bytes) -> tuple[str, str]:
    try:
        reader = pypdf.PdfReader(io.BytesIO(body), strict=False)
        if reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
            raise ValidationError("The PDF is protected by a password.")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise ValidationError(f"The PDF has more than {MAX_PDF_PAGES} pages.")
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        metadata = reader.metadata
        title = metadata.title if metadata is not None else ""
    except (pypdf.errors.PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise ValidationError(
            f"The PDF could not be read ({type(error).__name__}); try a .txt or .html file."
        ) from None
    text = "\n\n".join(page for page in pages if page).replace("\f", "\n\n")
    return (title if isinstance(title, str) else ""), text
