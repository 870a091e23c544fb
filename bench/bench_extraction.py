"""Benchmark source archiving: extraction time per document and a worker's memory on a 5 MB fetch.

    .venv/bin/python bench/bench_extraction.py

Prints, in one run: seconds per 200 KB news page and per 50-page PDF (median of repeats) with
the ratio to a plain decode of the same bytes (the baseline: no parsing at all), and the peak
resident memory of a fresh process fetching a 5 MB page from a local server, over its idle size.
"""

import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pdfs import make_pdf  # noqa: E402
from verification.sources import extraction  # noqa: E402

WORDS = (
    "the council said bridge cost million euros audit office report minister government "
    "election vote parliament spokesperson according week year budget deal weapons talks"
).split()


def news_page(size: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    parts = [
        "<html><head><title>Bench</title></head><body><nav>Home | World | Sport</nav>",
        "<article><h1>Bench article</h1>",
    ]
    while sum(len(p) for p in parts) < size:
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 30)))
        parts.append(f"<p>{sentence.capitalize()}.</p>")
    parts.append("</article><footer>Copyright</footer></body></html>")
    return "".join(parts).encode("utf-8")


def pdf_pages(count: int) -> bytes:
    rng = random.Random(11)
    pages = [
        [" ".join(rng.choice(WORDS) for _ in range(10)) for _ in range(40)] for _ in range(count)
    ]
    return make_pdf(pages, title="Bench report")


def timed(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


FETCH_CHILD = r"""
import resource, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
sys.path.insert(0, sys.argv[1])
from verification.sources import extraction, fetching  # a worker has both loaded when idle
body = b"<html><body>" + (b"<p>" + b"news words here " * 60 + b"</p>") * 5400 + b"</body></html>"
body = body[: 5 * 1024 * 1024 - 100]
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a): pass
server = ThreadingHTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=server.serve_forever, daemon=True).start()
idle = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
policy = fetching.FetchPolicy(allow_private_addresses=True, max_bytes=6 * 1024 * 1024)
result = fetching.fetch(f"http://127.0.0.1:{server.server_address[1]}/", policy)
text = extraction.extract(result.body, result.content_type).text
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(idle, peak, len(result.body), len(text))
"""


def main() -> None:
    page, pdf = news_page(200 * 1024), pdf_pages(50)
    rows = []
    for name, body, ctype, repeat in (
        ("200 KB news page", page, "text/html; charset=utf-8", 5),
        ("50-page PDF", pdf, "application/pdf", 3),
    ):
        seconds = timed(lambda b=body, c=ctype: extraction.extract(b, c), repeat)
        baseline = timed(lambda b=body: b.decode("latin-1"), repeat)
        chars = len(extraction.extract(body, ctype).text)
        rows.append((name, len(body), seconds, seconds / baseline, chars))
    for name, size, seconds, ratio, chars in rows:
        print(
            f"{name}: {size / 1024:.0f} KB in, {chars} chars out, {seconds * 1000:.1f} ms "
            f"per document ({ratio:,.0f}x a plain decode of the same bytes)"
        )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", FETCH_CHILD, str(ROOT)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    ).stdout.split()
    idle_kb, peak_kb, size, chars = map(int, out)
    print(
        f"5 MB fetch + extraction in a fresh process: {size / 1e6:.1f} MB body, {chars} chars; "
        f"peak RSS {peak_kb / 1024:.0f} MB, {(peak_kb - idle_kb) / 1024:.0f} MB over idle "
        f"(target: under 100 MB)"
    )


if __name__ == "__main__":
    main()
