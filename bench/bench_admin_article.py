"""Benchmark opening an article of ~2 MB of text with 5,000 claims in the admin.

Run from the project root:  .venv/bin/python bench/bench_admin_article.py [--repeat N] [--browser]

Uses a throwaway SQLite database in a temporary directory (the project's data is not touched).
Creates two articles with the same deterministic text (paragraphs of seeded pseudo-words with
accents, emoji and right-to-left words): one with 5,000 claims (some nested in or overlapping
others, a few orphaned), one with none. Prints the server time of the admin change page for
each, measured in the same run, and their ratio; the size of the HTML; and the time of the
highlighting step alone. With --browser (needs /usr/bin/chromium and Playwright) it also serves
the admin on a local port and times headless Chromium opening both pages until the annotation
script is ready.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import string
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_CHARS = 2_000_000
CLAIMS = 5_000
ORPHANED = 50
EXTRAS = ["café", "naïve", "Zürich", "😀", "👍🏽", "🚀", "שלום", "مرحبا", "«quoted»", "56%"]


def build_text(rng: random.Random) -> str:
    vocabulary = [
        "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(2, 9)))
        for _ in range(4000)
    ] + EXTRAS * 20
    paragraphs, size = [], 0
    while size < TARGET_CHARS:
        sentences = []
        for _ in range(rng.randint(3, 7)):
            words = rng.choices(vocabulary, k=rng.randint(8, 24))
            sentences.append(" ".join(words).capitalize() + ".")
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(paragraphs)[:TARGET_CHARS].rstrip()


def claim_spans(rng: random.Random, text: str) -> list[tuple[int, int]]:
    """Spans of 20-200 code points; every tenth nests in or overlaps the one before it."""
    spans = []
    for index in range(CLAIMS):
        if index % 10 == 9 and spans:
            start, end = spans[-1]
            start = rng.randint(start, max(start, end - 10))
            end = min(len(text), start + rng.randint(10, 120))
        else:
            start = rng.randrange(0, len(text) - 250)
            end = start + rng.randint(20, 200)
        spans.append((start, end))
    return spans


def timed(function, repeat: int) -> float:
    function()  # warm up: templates, URL resolver, database caches
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--browser", action="store_true", help="also time headless Chromium")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="factdesk-bench-")
    os.environ["FACTDESK_DATA_DIR"] = workdir
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from annotations import anchoring, selectors
    from annotations.admin_views import ClaimSpan, highlighted_text
    from annotations.models import AnchorState, Article, Claim, ClaimStatus

    setup_test_environment()  # lets the test client use the "testserver" host
    call_command("migrate", verbosity=0)
    password = "bench-" + "x" * 20  # noqa: S105 - a throwaway local account
    user = get_user_model().objects.create_superuser("bench", password=password)

    rng = random.Random(args.seed)
    text = anchoring.canonical_text(build_text(rng))
    full = Article.objects.create(title="2 MB, 5,000 claims", text=text)
    empty = Article.objects.create(title="2 MB, no claims", text=text)
    statuses = ClaimStatus.values
    claims = []
    for index, (start, end) in enumerate(claim_spans(rng, text)):
        selector = anchoring.describe(text, start, end)
        orphaned = index < ORPHANED
        claims.append(
            Claim(
                article=full,
                text=f"Claim {index}: {selector.exact[:60]}",
                speaker=rng.choice(["", "The minister", "A spokesperson"]),
                status=statuses[index % len(statuses)],
                quote_exact=selector.exact,
                quote_prefix=selector.prefix,
                quote_suffix=selector.suffix,
                position_start=None if orphaned else start,
                position_end=None if orphaned else end,
                anchor_state=AnchorState.ORPHANED if orphaned else AnchorState.ANCHORED,
            )
        )
    Claim.objects.bulk_create(claims, batch_size=500)

    client = Client()
    client.force_login(user)

    def page(article):
        def get():
            response = client.get(f"/admin/annotations/article/{article.pk}/change/")
            assert response.status_code == 200, response.status_code
            return response

        return get

    size_full = len(page(full)().content)
    size_empty = len(page(empty)().content)
    with_claims = timed(page(full), args.repeat)
    without = timed(page(empty), args.repeat)
    spans = [
        ClaimSpan(row["id"], row["position_start"], row["position_end"], row["status"])
        for row in selectors.claim_marks_for_article(article_id=full.pk)
        if row["position_start"] is not None
    ]
    highlight = timed(lambda: highlighted_text(text, spans), args.repeat)

    print(
        f"article: {len(text):,} code points, {len(text.encode()):,} bytes UTF-8; "
        f"{CLAIMS:,} claims ({ORPHANED} orphaned, every tenth nested/overlapping)"
    )
    print(f"admin change page, server, median of {args.repeat}:")
    print(f"  0 claims      {without * 1000:8.0f} ms   HTML {size_empty / 1e6:5.1f} MB")
    print(f"  {CLAIMS:,} claims  {with_claims * 1000:8.0f} ms   HTML {size_full / 1e6:5.1f} MB")
    print(f"  ratio         {with_claims / without:8.2f}x")
    print(f"  of which highlighting alone: {highlight * 1000:.0f} ms")

    if args.browser:
        browser_times(full, empty, password, args.repeat)


def browser_times(full, empty, password: str, repeat: int) -> None:
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base = f"http://127.0.0.1:{server.port}"
    chromium = os.environ.get("FACTDESK_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.set_default_timeout(120_000)
        page.goto(f"{base}/admin/login/")
        page.fill("#id_username", "bench")
        page.fill("#id_password", password)
        page.click("input[type=submit]")
        page.wait_for_selector("#user-tools")

        def open_page(article):
            def run():
                page.goto(f"{base}/admin/annotations/article/{article.pk}/change/")
                page.wait_for_function("document.getElementById('fd-popover') !== null")

            return run

        without = timed(open_page(empty), repeat)
        with_claims = timed(open_page(full), repeat)
        browser.close()
    server.terminate()
    print(f"headless Chromium, page loaded and annotation script ready, median of {repeat}:")
    print(f"  0 claims      {without * 1000:8.0f} ms")
    print(f"  {CLAIMS:,} claims  {with_claims * 1000:8.0f} ms")
    print(f"  ratio         {with_claims / without:8.2f}x")


if __name__ == "__main__":
    main()
