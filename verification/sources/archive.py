"""Archiving sources: turn what the annotator gave (URL, file, pasted text) into snapshots."""

import hashlib
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from annotations.language import language_detect
from annotations.models import Source, SourceKind, SourceState
from verification.models import SourceSnapshot
from verification.sources import extraction, fetching

logger = logging.getLogger(__name__)

PASTED_EXTRACTOR = ("pasted-text", "1")
UNEXPECTED_FAILURE = "unexpected error while reading it (see the worker log)"
# Not this source's fault: the database went away or the task ran out of time. The task retries
# or fails the whole run for these, so they must reach it.
_NOT_THE_SOURCES_FAULT = (OperationalError, InterfaceError, SoftTimeLimitExceeded)


class SourceUnavailable(Exception):
    """The source could not be archived: `reason` in words; `transient` if a retry may help."""

    def __init__(self, reason: str, *, transient: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


def fetch_policy() -> fetching.FetchPolicy:
    """The production fetch rules, with the limits an operator set."""
    return fetching.FetchPolicy(
        allow_private_addresses=settings.FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES,
        timeout_seconds=settings.FACTDESK_FETCH_TIMEOUT_SECONDS,
        max_bytes=settings.FACTDESK_FETCH_MAX_BYTES,
    )


def source_archive(*, source: Source) -> SourceSnapshot:
    """Fetch or read the source and store a snapshot; reuse the latest one if content is unchanged.

    Raises SourceUnavailable with a reason a person understands; a permanent failure is also
    recorded on the source. A bug or a library crash on this source's bytes fails this source
    alone (logged with its traceback), so a check run still reads the claim's other sources.
    """
    Source.objects.filter(pk=source.pk).update(
        state=SourceState.FETCHING, updated_at=timezone.now()
    )
    try:
        snapshot = _archive(source)
    except SourceUnavailable as error:
        _failure_record(source, error)
        raise
    except _NOT_THE_SOURCES_FAULT:
        raise
    except Exception:
        logger.exception("Source %s could not be archived: unexpected error", source.pk)
        error = SourceUnavailable(UNEXPECTED_FAILURE, transient=False)
        _failure_record(source, error)
        raise error from None
    Source.objects.filter(pk=source.pk).update(
        state=SourceState.ARCHIVED, failure_reason="", updated_at=timezone.now()
    )
    return snapshot


def _failure_record(source: Source, error: SourceUnavailable) -> None:
    state = SourceState.PENDING if error.transient else SourceState.FAILED
    Source.objects.filter(pk=source.pk).update(
        state=state, failure_reason=error.reason[:500], updated_at=timezone.now()
    )


def _archive(source: Source) -> SourceSnapshot:
    if source.kind == SourceKind.TEXT:
        body = source.text.encode("utf-8")
        return _snapshot_store(
            source=source,
            body=body,
            content_type="text/plain; charset=utf-8",
            title=source.title,
            text=source.text,
            extractor=PASTED_EXTRACTOR,
        )
    if source.kind == SourceKind.FILE:
        if not source.file:
            raise SourceUnavailable("no file was uploaded for this source", transient=False)
        try:
            with source.file.open("rb") as handle:
                body = handle.read(settings.FACTDESK_FETCH_MAX_BYTES + 1)
        except OSError as error:
            raise SourceUnavailable(
                f"the uploaded file cannot be read: {error}", transient=False
            ) from None
        if len(body) > settings.FACTDESK_FETCH_MAX_BYTES:
            raise SourceUnavailable("too large: over the upload limit", transient=False)
        content_type = _guess_file_type(source.file.name)
        return _extract_and_store(source=source, body=body, content_type=content_type, fetched=None)
    try:
        result = fetching.fetch(source.url, fetch_policy())
    except fetching.FetchError as error:
        raise SourceUnavailable(error.reason, transient=error.transient) from None
    return _extract_and_store(
        source=source, body=result.body, content_type=result.content_type, fetched=result
    )


def _guess_file_type(name: str) -> str:
    lowered = name.lower()
    if lowered.endswith(".pdf"):
        return "application/pdf"
    if lowered.endswith((".html", ".htm", ".xhtml")):
        return "text/html"
    return "text/plain"


def _extract_and_store(*, source, body: bytes, content_type: str, fetched) -> SourceSnapshot:
    try:
        extracted = extraction.extract(body, content_type, url=source.url)
    except extraction.ExtractionError as error:
        raise SourceUnavailable(f"no text could be extracted: {error}", transient=False) from None
    return _snapshot_store(
        source=source,
        body=body,
        content_type=content_type,
        title=extracted.title or source.title,
        text=extracted.text,
        extractor=(extracted.extractor, extracted.extractor_version),
        fetched=fetched,
        published_on=extracted.published_on,
    )


def _snapshot_store(
    *,
    source,
    body: bytes,
    content_type: str,
    title: str,
    text: str,
    extractor,
    fetched=None,
    published_on=None,
) -> SourceSnapshot:
    digest = hashlib.sha256(body).hexdigest()
    existing = SourceSnapshot.objects.filter(source=source, sha256=digest).first()
    if existing is not None:
        return existing
    snapshot = SourceSnapshot(
        source=source,
        fetched_at=fetched.fetched_at if fetched else timezone.now(),
        requested_url=fetched.requested_url if fetched else "",
        final_url=fetched.final_url if fetched else "",
        http_status=fetched.status if fetched else None,
        content_type=content_type[:100],
        sha256=digest,
        size=len(body),
        title=title[:500],
        published_on=published_on,
        text=text,
        language=language_detect(text),
        extractor=extractor[0],
        extractor_version=extractor[1],
    )
    if source.kind != SourceKind.TEXT:
        snapshot.raw.save(f"{digest}.bin", ContentFile(body), save=False)
    try:
        with transaction.atomic():
            snapshot.save()
    except IntegrityError:
        # Another worker archived the same bytes a moment ago: theirs is as good as ours.
        return SourceSnapshot.objects.get(source=source, sha256=digest)
    return snapshot
