"""Settings for bench_api.py's server: the project's own, plus the baseline view's urlconf."""

from project.settings import *  # noqa: F403

ROOT_URLCONF = "bench.api_urls"
