"""Fetch one URL under the production fetch rules and print what an archive would store."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from verification.sources.extraction import ExtractionError, extract
from verification.sources.fetching import FetchError, FetchPolicy, fetch

DEFAULTS = FetchPolicy()


class Command(BaseCommand):
    help = (
        "Fetch URL with the same rules as source archiving (address checks, redirects, deadline, "
        "size cap, type allowlist) and print the outcome or the refusal. Stores nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("url", help="http or https URL to fetch")
        parser.add_argument(
            "--allow-private",
            action="store_true",
            help="allow loopback and private addresses (local testing only)",
        )
        parser.add_argument(
            "--lines", type=int, default=10, help="lines of extracted text to show (default 10)"
        )

    def handle(self, *args, url, allow_private, lines, **options):
        policy = FetchPolicy(
            allow_private_addresses=allow_private
            or getattr(
                settings, "FACTDESK_FETCH_ALLOW_PRIVATE_ADDRESSES", DEFAULTS.allow_private_addresses
            ),
            timeout_seconds=getattr(
                settings, "FACTDESK_FETCH_TIMEOUT_SECONDS", DEFAULTS.timeout_seconds
            ),
            max_bytes=getattr(settings, "FACTDESK_FETCH_MAX_BYTES", DEFAULTS.max_bytes),
        )
        try:
            result = fetch(url, policy)
        except FetchError as error:
            raise CommandError(error.reason) from None

        write = self.stdout.write
        try:
            extracted = extract(result.body, result.content_type, url=result.final_url)
        except ExtractionError as error:
            extracted = None
            extraction_failure = error.reason
        write(f"Title:       {extracted.title if extracted else ''}")
        write(f"Final URL:   {result.final_url}")
        for hop in result.redirects:
            write(f"Redirected:  {hop}")
        write(f"Status:      {result.status}")
        write(f"Type:        {result.content_type}")
        write(f"Size:        {len(result.body):,} bytes")
        write(f"SHA-256:     {result.sha256}")
        write(f"Fetched at:  {result.fetched_at.isoformat()}")
        if extracted is None:
            raise CommandError(f"no text could be extracted: {extraction_failure}")
        write(f"Extractor:   {extracted.extractor} {extracted.extractor_version}")
        text_lines = extracted.text.split("\n")
        write(
            f"Text ({len(extracted.text):,} characters, first {min(lines, len(text_lines))} lines):"
        )
        for line in text_lines[: max(lines, 0)]:
            write(f"  {line}")
