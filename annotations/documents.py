"""The steps every reading of a document file shares: size and page limits, PDF text, HTML title,
text clean-up. Plain Python, no Django import.

Two readers use them for two purposes: an uploaded article keeps the whole visible text of its
file (annotations/uploads.py: people annotate it as its reader saw it), a fetched source keeps
its main text (verification/sources/extraction.py: the cross-check reads it). Bytes become
characters, or are refused as not text, in annotations/decoding.py.

A document these steps cannot read raises :class:`UnreadableDocument` with a ``code`` (the caller
words its own message from it) and a ``reason`` written for a person.
"""

from __future__ import annotations

import io
import re
import struct
import time
import zlib

import lxml.etree
import lxml.html
import pypdf
import pypdf.errors

from annotations.anchoring import canonical_text

MAX_TITLE_CHARS = 300
PDF_TIME_LIMIT_SECONDS = 60.0

# Errors the parsing libraries raise on malformed input. Listed, not `Exception`, so a bug of ours
# (a NameError, say) still surfaces as a bug.
PARSER_ERRORS = (
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
    OSError,
    struct.error,
    zlib.error,
    lxml.etree.LxmlError,
    pypdf.errors.PyPdfError,
)

# Control characters other than tab and line feed, and the byte-order mark and non-characters
# that a conversion leaves inside a text.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufeff\ufffe\uffff]")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_BLANK_LINES = re.compile(r"\n{3,}")


class UnreadableDocument(Exception):
    """A document that cannot be read. ``code`` names the case, ``reason`` says it in words."""

    def __init__(self, code: str, reason: str, **params):
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.params = params


def refuse_oversized(size: int, limit: int) -> None:
    """Raise UnreadableDocument("too_large") when ``size`` bytes exceed ``limit``."""
    if size > limit:
        raise UnreadableDocument(
            "too_large",
            f"too large to extract: over {limit // (1024 * 1024)} MB",
            size=size,
            limit=limit,
        )


def clean_text(text: str, *, keep_layout: bool = False) -> str:
    """Text made from a file, ready to store: "\\n" line ends, NFC, no control characters.

    Line and paragraph separators and form feeds become line breaks. With ``keep_layout`` (an
    article, kept as its reader saw it: a <pre> block's spaces and blank lines stay) only the
    line breaks around the text go; otherwise (a source's main text) trailing spaces go, blank
    lines shrink to one and the text is stripped.
    """
    text = canonical_text(text)
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n").replace("\f", "\n\n")
    text = _CONTROL_CHARS.sub("", text)
    if keep_layout:
        return text.strip("\n")
    text = _TRAILING_SPACE.sub("\n", text)
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def clean_title(title: str) -> str:
    """A title on one line, cleaned like text, at most MAX_TITLE_CHARS characters."""
    return " ".join(clean_text(title or "").split())[:MAX_TITLE_CHARS]


def html_title(document: str | lxml.html.HtmlElement) -> str:
    """The text of a page's first <title> (markup or a parsed tree), or "" if it has none."""
    if isinstance(document, str):
        try:
            document = lxml.html.document_fromstring(document)
        except PARSER_ERRORS:
            return ""
    return document.findtext(".//title") or ""


def pdf_to_text(
    body: bytes, *, max_pages: int, time_limit: float | None = PDF_TIME_LIMIT_SECONDS
) -> tuple[str, str]:
    """Return (title from the PDF's metadata or "", text: page by page, a blank line between).

    Each page's text is cleaned (a PDF has no layout worth keeping in its extracted text). Raise
    UnreadableDocument for a password, more than ``max_pages`` pages, reading longer than
    ``time_limit`` seconds, an encryption this server cannot read, or a file that is not a PDF.
    """
    started = time.monotonic()
    try:
        reader = pypdf.PdfReader(io.BytesIO(body), strict=False)
        # Many PDFs are encrypted only to restrict printing, with an empty user password.
        if reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
            raise UnreadableDocument("password", "the PDF is protected by a password")
        page_count = len(reader.pages)
        if page_count > max_pages:
            raise UnreadableDocument(
                "too_many_pages",
                f"the PDF has {page_count} pages, more than {max_pages}",
                pages=page_count,
                limit=max_pages,
            )
        pages = []
        for page in reader.pages:
            if time_limit is not None and time.monotonic() - started > time_limit:
                raise UnreadableDocument(
                    "too_slow", f"the PDF took more than {time_limit:g} s to read"
                )
            pages.append(clean_text(page.extract_text() or ""))
        metadata = reader.metadata
        title = metadata.title if metadata is not None else None
    except pypdf.errors.FileNotDecryptedError as error:
        raise UnreadableDocument("password", "the PDF is protected by a password") from error
    except pypdf.errors.DependencyError as error:
        raise UnreadableDocument(
            "encryption",
            f"the PDF uses an encryption this server cannot read ({error})",
            error=type(error).__name__,
        ) from error
    except PARSER_ERRORS as error:
        raise UnreadableDocument(
            "unreadable",
            f"the PDF could not be read ({type(error).__name__})",
            error=type(error).__name__,
        ) from error
    text = "\n\n".join(page for page in pages if page)
    return (title if isinstance(title, str) else ""), text
