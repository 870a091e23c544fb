"""bench_api counts only 2xx answers as served, and its throttles hold for every scope."""

from django.conf import settings

from bench import api_load, bench_api

WRK_WITH_429 = """Running 10s test @ http://127.0.0.1:41234/api/v1/facts/?page_size=50
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     6.02ms    2.10ms  40.11ms   90.00%
  Latency Distribution
     50%    5.80ms
     75%    6.50ms
     90%    7.90ms
     99%   14.20ms
  13605 requests in 10.00s, 41.0MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 10958
Requests/sec:   1360.47
Transfer/sec:      4.10MB
"""


def test_a_wrk_run_with_throttled_answers_reports_them_and_is_not_clean():
    result = api_load.wrk_parse(WRK_WITH_429, "wrk …")

    assert (result.requests, result.non_2xx, result.socket_errors) == (13605, 10958, 3)
    assert not result.clean


def test_any_answer_that_is_not_2xx_is_recorded_as_a_problem_of_the_run(monkeypatch):
    monkeypatch.setattr(bench_api, "PROBLEMS", [])

    said = bench_api.answers_check("API round 2", not_2xx=10958, sent=13605)

    assert said.startswith("NOT ALL 2xx")
    assert bench_api.PROBLEMS == ["API round 2: 10958 answers not 2xx, 0 socket errors (of 13605)"]
    assert bench_api._verdict(True).startswith("NOT MEASURED")


def test_a_fixed_rate_run_counts_429s_and_unanswered_requests_as_not_2xx():
    result = api_load.RateResult(10, 1, 10, {200: 5, 204: 1, 429: 3, 0: 1}, [1.0] * 10)

    assert result.not_2xx == 4


def test_the_bench_raises_every_throttle_scope_the_settings_define():
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]

    env = bench_api.throttle_env(rates)

    assert set(env) == {f"FACTDESK_THROTTLE_{scope.upper()}" for scope in rates}
    assert "FACTDESK_THROTTLE_USER" in env  # anonymous clients are counted by it too
    assert (
        bench_api.throttles_not_raised(
            {scope: env_rate for scope, env_rate in zip(rates, env.values(), strict=True)}
        )
        == []
    )
    assert bench_api.throttles_not_raised({"user": "1200/min"}) == ["user=1200/min"]
