"""`manage.py fetch_url` in a real process: the outcome on stdout, a refusal as exit 1."""

import subprocess
import sys

from tests import paths

FETCHING = paths.FIXTURES / "fetching"

MANAGE = paths.ROOT / "manage.py"


def _run(*args):
    return subprocess.run(
        [sys.executable, str(MANAGE), "fetch_url", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_fetch_url_prints_the_title_hash_and_first_lines_of_a_local_page(site):
    body = (FETCHING / "article.html").read_bytes()
    site.routes["/article"] = lambda h: site.redirect(h, "/article.html", 301)
    site.routes["/article.html"] = lambda h: site.send(h, 200, body, "text/html; charset=utf-8")

    done = _run("--allow-private", "--lines", "3", site.url("/article"))

    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert out[0] == "Title:       Council approves budget of 4.2 million euros"
    assert f"Final URL:   {site.url('/article.html')}" in out
    assert f"Redirected:  {site.url('/article')}" in out
    assert "Status:      200" in out
    assert "Type:        text/html; charset=utf-8" in out
    assert f"Size:        {len(body):,} bytes" in out
    assert out[-3:] == [
        "  Council approves budget of 4.2 million euros",
        "  ",
        "  The Riverside town council voted on Tuesday evening to approve a budget of 4.2 million "
        "euros for the coming year, the largest in its history, after a debate that lasted almost "
        "five hours.",
    ]


def test_fetch_url_refuses_a_private_address_by_default_with_one_line_and_exit_1(site):
    done = _run(site.url("/article"))
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip() == "CommandError: refused: address 127.0.0.1 is internal"
    assert "Traceback" not in done.stderr
    assert site.connections == 0


def test_fetch_url_reports_a_missing_page_as_a_failure(site):
    done = _run("--allow-private", site.url("/nowhere"))
    assert done.returncode == 1
    assert done.stderr.strip() == "CommandError: not found (HTTP 404)"
