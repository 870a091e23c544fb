"""Indexes for the facts API at scale, and a rebuild of the matching index.

The indexes are plain SQL (built CONCURRENTLY on PostgreSQL, plainly on SQLite:
annotations/core/migration_ops.py) and leave the migration state alone,
so the models stay the description of the tables and `makemigrations --check` stays clean.

- verification_factterm (term, fact_id): `POST facts/match/` counts how many facts hold a word
  and reads the facts of its rarest words; with the fact id in the index both are index-only
  scans that stop after the first N entries, instead of a visit to the table per entry.

`matching.terms` now writes spelled-out numbers as digits and keeps one-digit numbers, so the
index rows of live facts are rebuilt from their claims.
"""

from django.db import migrations

from annotations.core.migration_ops import CreateIndexSQL

from verification.facts.matching import terms


def fact_terms_rebuild(apps, schema_editor):
    Fact = apps.get_model("verification", "Fact")
    FactTerm = apps.get_model("verification", "FactTerm")
    facts = Fact.objects.filter(retracted_at__isnull=True).select_related("claim").order_by("pk")
    last = 0
    while batch := list(facts.filter(pk__gt=last)[:2000]):
        FactTerm.objects.filter(fact_id__in=[fact.pk for fact in batch]).delete()
        FactTerm.objects.bulk_create(
            FactTerm(fact_id=fact.pk, term=term, count=min(count, 32767))
            for fact in batch
            for term, count in terms(
                f"{fact.claim.text}\n{fact.claim.quote_exact}\n{fact.claim.speaker}"
            ).items()
        )
        last = batch[-1].pk


class Migration(migrations.Migration):
    # The index is built CONCURRENTLY on PostgreSQL (the match index has a row per word of
    # every fact: a plain CREATE INDEX would stop every write to it while it builds), which
    # cannot run in a transaction; the rebuild keeps its own.
    atomic = False

    dependencies = [
        ("verification", "0003_fact_source_flag"),
    ]

    operations = [
        CreateIndexSQL(
            name="fact_term_term_fact_idx", table="verification_factterm", columns="term, fact_id"
        ),
        migrations.RunPython(fact_terms_rebuild, migrations.RunPython.noop, atomic=True),
    ]
