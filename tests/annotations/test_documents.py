"""The reading steps an uploaded article and a fetched source share (annotations/documents.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from annotations import documents
from annotations.uploads import article_text_from_upload, refuse_oversized_upload
from tests.pdfs import make_pdf
from verification.sources.extraction import extract


def test_an_article_uploaded_as_a_pdf_has_the_text_its_archived_source_has():
    # pypdf leaves spaces at the end of lines; both readers drop them the same way now.
    pdf = make_pdf(
        [["The mayor said   ", "the bridge cost 56 million.  "], ["Page two."]],
        title="Budget  report",
    )
    title, text = article_text_from_upload(SimpleUploadedFile("report.pdf", pdf))
    source = extract(pdf, "application/pdf")
    assert text == source.text == ("The mayor said\nthe bridge cost 56 million.\n\nPage two.")
    assert title == source.title == "Budget report"


def test_a_page_title_is_its_title_element_not_an_icon_title_in_the_body():
    body = (
        b"<html><head><title>Bridge  closed</title></head><body>"
        b"<svg><title>share icon</title></svg><p>The bridge is closed.</p></body></html>"
    )
    title, text = article_text_from_upload(SimpleUploadedFile("page.html", body))
    assert (title, text) == ("Bridge closed", "The bridge is closed.")
    assert extract(body, "text/html").title == "Bridge closed"


def test_an_uploaded_page_with_an_unknown_charset_label_is_read_as_a_browser_reads_it():
    # An unknown label is ignored (as browsers and the source extractor do), not obeyed: the
    # windows-1252 bytes are read as windows-1252 instead of being refused as "not UTF-8".
    body = '<meta charset="x-unknown"><p>Le café coûte 2 €.</p>'.encode("cp1252")
    _title, text = article_text_from_upload(SimpleUploadedFile("cafe.html", body))
    assert text == "Le café coûte 2 €."


def test_an_uploaded_xhtml_page_declaring_its_encoding_in_the_xml_prolog_is_decoded():
    sentence = "Müller sagte, die Brücke koste 3 € pro Überfahrt."
    body = (
        '<?xml version="1.0" encoding="iso-8859-15"?>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>{sentence}</p></body></html>'
    ).encode("iso-8859-15")
    _title, text = article_text_from_upload(SimpleUploadedFile("bruecke.xhtml.html", body))
    assert text == sentence


def test_line_and_paragraph_separators_become_line_breaks_in_both_readers():
    body = "<pre>one\u2028two\u2029three\ufeff</pre>".encode()
    _title, text = article_text_from_upload(SimpleUploadedFile("pre.html", body))
    assert text == "one\ntwo\n\nthree"
    assert documents.clean_text("one\u2028two\u2029three\ufeff") == text


def test_an_article_keeps_its_layout_and_a_source_is_tidied():
    raw = "\n  indented line   \n\n\n\nCafe\u0301\x07 end\r\n"
    assert documents.clean_text(raw, keep_layout=True) == "  indented line   \n\n\n\nCafé end"
    assert documents.clean_text(raw) == "indented line\n\nCafé end"


def test_a_title_is_one_line_of_at_most_300_characters():
    assert documents.clean_title(" Budget\n\treport\x00 ") == "Budget report"
    assert len(documents.clean_title("word " * 200)) == documents.MAX_TITLE_CHARS


def test_a_pdf_over_the_page_limit_is_refused_with_its_page_count():
    pdf = make_pdf([["one"], ["two"], ["three"]])
    with pytest.raises(documents.UnreadableDocument) as refused:
        documents.pdf_to_text(pdf, max_pages=2)
    assert refused.value.code == "too_many_pages"
    assert refused.value.reason == "the PDF has 3 pages, more than 2"
    assert documents.pdf_to_text(pdf, max_pages=3) == ("", "one\n\ntwo\n\nthree")


def test_an_uploaded_pdf_over_500_pages_is_refused():
    pdf = make_pdf([[f"page {number}"] for number in range(501)])
    with pytest.raises(ValidationError, match="The PDF has more than 500 pages."):
        article_text_from_upload(SimpleUploadedFile("long.pdf", pdf))


def test_a_pdf_that_takes_too_long_is_refused():
    pdf = make_pdf([["one"], ["two"]])
    with pytest.raises(documents.UnreadableDocument) as refused:
        documents.pdf_to_text(pdf, max_pages=10, time_limit=-1)
    assert (refused.value.code, refused.value.reason) == (
        "too_slow",
        "the PDF took more than -1 s to read",
    )


def test_a_document_over_the_size_limit_is_refused():
    documents.refuse_oversized(2 * 1024 * 1024, 2 * 1024 * 1024)
    with pytest.raises(documents.UnreadableDocument) as refused:
        documents.refuse_oversized(2 * 1024 * 1024 + 1, 2 * 1024 * 1024)
    assert refused.value.reason == "too large to extract: over 2 MB"


@override_settings(FACTDESK_FETCH_MAX_BYTES=10)
def test_an_upload_over_the_size_limit_is_refused_with_both_sizes():
    refuse_oversized_upload(SimpleUploadedFile("small.txt", b"0123456789"))
    with pytest.raises(ValidationError, match="The file is 11 bytes; the limit is 10 bytes."):
        refuse_oversized_upload(SimpleUploadedFile("big.txt", b"0123456789!"))
    with pytest.raises(ValidationError, match="The file is 11 bytes"):
        article_text_from_upload(SimpleUploadedFile("big.txt", b"0123456789!"))
