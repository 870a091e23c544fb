"""Settings for bench_match.py's server: the project's own, plus the lexical baseline's URL."""

import os

from project.settings import *  # noqa: F403

ROOT_URLCONF = "bench.match_urls"

if os.environ.get("FACTDESK_BENCH_ENCODER") == "words":
    from bench.match_words import WordEncoder
    from verification.library import encoding

    encoding.encoder_factory = WordEncoder
