"""List endpoints run a fixed number of queries, whatever the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.desk import desk_build
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

LISTS = [
    ("anonymous", "/api/v1/facts/"),
    ("annotator", "/api/v1/articles/"),
    ("annotator", "/api/v1/claims/"),
    ("reviewer", "/api/v1/queue/"),
]


def _queries(client: APIClient, path: str, page_size: int) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, {"page_size": page_size})
    assert response.status_code == 200, response.content
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return len(queries), len(rows)


@pytest.mark.parametrize(("persona", "path"), LISTS)
def test_a_list_costs_the_same_queries_at_page_size_10_and_100(request, roles, persona, path):
    desk_build(facts=24)
    ArticleFactory.create_batch(24)
    client = APIClient()
    if persona != "anonymous":
        client.force_authenticate(request.getfixturevalue(persona))
    client.get(path)  # warm caches (content types, permissions) out of the count
    small, small_rows = _queries(client, path, 10)
    large, large_rows = _queries(client, path, 100)
    assert small == large, (
        f"{path}: {small} queries for {small_rows} rows, {large} for {large_rows}"
    )
    if path != "/api/v1/queue/":
        assert large_rows > small_rows


def test_the_checks_of_a_claim_cost_the_same_queries_for_one_run_or_five(roles, reviewer):
    from annotations.models import Claim
    from verification.checks.services import check_run_execute, check_run_request
    from verification.models import CheckRun

    ids = desk_build()
    claim = Claim.objects.get(pk=ids.waiting)
    client = APIClient()
    client.force_authenticate(reviewer)
    counts = []
    for _ in range(5):
        run = check_run_request(claim=claim, user=reviewer)
        check_run_execute(run_id=str(run.run_id))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/claims/{claim.pk}/checks/").status_code == 200
        counts.append(len(queries))
    assert CheckRun.objects.filter(claim=claim).count() == 5
    assert len(set(counts)) == 1, counts


def _index_on(table: str, column: str) -> str:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    names = [name for name, c in constraints.items() if c["index"] and c["columns"] == [column]]
    assert names, f"no index on {table}.{column}"
    return names[0]


def test_updated_after_reads_two_indexes_instead_of_every_fact(roles):
    from django.utils import timezone

    from verification import selectors

    desk_build(facts=3)
    rows = selectors.fact_rows({"updated_after": timezone.now()})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # A table of three rows is cheaper to scan: ask whether the index can serve at all.
            cursor.execute("SET LOCAL enable_seqscan = off")
    plan = rows.explain()
    assert _index_on("verification_fact", "updated_at") in plan, plan
    assert _index_on("annotations_claim", "status_changed_at") in plan, plan
