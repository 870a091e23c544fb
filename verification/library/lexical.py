"""Lexical retrieval over the library: PostgreSQL full-text search, or SQLite FTS5.

PostgreSQL: a stored generated `tsvector` column (`search`, claim weighted A, headline B) with a
GIN index (migration 0002). A query's words are OR-ed, but only the rarest of them pick the
candidates, within a budget of matching rows, so a text full of common words reads a bounded
slice of the index instead of ranking half the library; document frequencies come from
`library_lexeme`, kept up to date on every import batch (and rebuilt by
`library_lexemes_rebuild`). The candidates are then ranked on every query word (ts_rank_cd).

SQLite (the embedded default, one desk): an external-content FTS5 table kept in step by
triggers, ranked by its BM25. Both return (fact-check id, score in 0..1), best first.
"""

from __future__ import annotations

import re

from django.db import connection

# Candidates come from at most this many of the query's rarest words, reading at most this
# many matching rows in all (the rarest word is always used, however common).
# At a million fact-checks (bench_match's profile) ranking 4,000 rows cost p50 25 ms, p90 117 ms
# on the shared machine; 1,000 rows p50 10 ms, p90 24 ms.
SEED_WORDS = 8
ROW_BUDGET = 1_000
MAX_QUERY_CHARS = 2_000
_WORD = re.compile(r"\w+", re.UNICODE)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def factchecks_search(text: str, *, limit: int) -> list[tuple[int, float]]:
    """Fact-checks sharing words with `text`: (id, score 0..1), best first."""
    text = text[:MAX_QUERY_CHARS]
    if _postgres():
        return _postgres_search(text, limit)
    return _sqlite_search(text, limit)


def _postgres_search(text: str, limit: int) -> list[tuple[int, float]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT q.lexeme, COALESCE(s.documents, 0)
            FROM unnest(tsvector_to_array(to_tsvector('english', %s))) AS q (lexeme)
            LEFT JOIN library_lexeme s ON s.lexeme = q.lexeme
            ORDER BY 2, 1
            """,
            [text],
        )
        counted = cursor.fetchall()
        if not counted:
            return []
        seeds, budget = [], 0
        for lexeme, documents in counted[:SEED_WORDS]:
            if seeds and budget + documents > ROW_BUDGET:
                break
            seeds.append(lexeme)
            budget += documents
        # Lexemes are bound as parameters and quoted by to_tsquery's own syntax rules.
        every = " | ".join(_quoted(lexeme) for lexeme, _ in counted)
        some = " | ".join(_quoted(lexeme) for lexeme in seeds)
        cursor.execute(
            """
            SELECT id, ts_rank_cd(search, to_tsquery('simple', %s), 32) AS rank
            FROM (
                SELECT id, search FROM library_factcheck
                WHERE search @@ to_tsquery('simple', %s)
                LIMIT %s
            ) AS candidate
            ORDER BY rank DESC, id DESC
            LIMIT %s
            """,
            [every, some, ROW_BUDGET, limit],
        )
        return [(row[0], float(row[1])) for row in cursor.fetchall()]


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _sqlite_search(text: str, limit: int) -> list[tuple[int, float]]:
    words = list(dict.fromkeys(word.lower() for word in _WORD.findall(text)))[:64]
    if not words:
        return []
    query = " OR ".join('"' + word.replace('"', '""') + '"' for word in words)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid, bm25(library_factcheck_fts, 2.0, 1.0) AS rank "
            "FROM library_factcheck_fts WHERE library_factcheck_fts MATCH %s "
            "ORDER BY rank, rowid DESC LIMIT %s",
            [query, limit],
        )
        rows = cursor.fetchall()
    # bm25() is negative, lower is better; x / (1 + x) maps it into 0..1 as ts_rank_cd's 32 does.
    return [(rowid, -rank / (1 - rank)) for rowid, rank in rows]


def lexemes_count(ids: list[int], *, sign: int) -> None:
    """Add (sign 1) or take away (sign -1) these fact-checks' words from the word counts."""
    if not ids or not _postgres():
        return
    id_list = ",".join(str(int(pk)) for pk in ids)
    inner = f"SELECT search FROM library_factcheck WHERE id IN ({id_list})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO library_lexeme (lexeme, documents)
            SELECT word, %s * ndoc FROM ts_stat(%s)
            ON CONFLICT (lexeme) DO UPDATE
            SET documents = GREATEST(library_lexeme.documents + EXCLUDED.documents, 0)
            """,
            [sign, inner],
        )


def lexemes_rebuild() -> None:
    """Recount every word of the library (a full scan: for beat or an operator, never a request)."""
    if not _postgres():
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM library_lexeme")
        cursor.execute(
            "INSERT INTO library_lexeme (lexeme, documents) "
            "SELECT word, ndoc FROM ts_stat('SELECT search FROM library_factcheck')"
        )
