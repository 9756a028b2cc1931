"""On PostgreSQL, the ledger's free-text search reads an index of the names' characters and pairs of characters.

Chinese words are mostly two characters long and pg_trgm extracts nothing from a pattern shorter than
three, so `生物` or `京东` read every name. No Chinese tokeniser is packaged for this PostgreSQL
(docs/architecture.md, "Searching the ledger"); pairs of characters are what such tokenisers fall
back to for CJK text (pg_bigm, the CJK bigrams of Lucene), built here from PostgreSQL's own parts:
`investledger_grams(names...)` is every character and every pair of adjacent characters of each name,
indexed with GIN's array operators, and `investledger_search_grams(text)` the pairs a search text
must find (its one character when it has one). The search keeps `UPPER(name) LIKE` as the exact test:
the index only says where to look (ledger/projects/search.py).
"""

from django.db import migrations

FUNCTIONS = [
    """
CREATE OR REPLACE FUNCTION investledger_grams(VARIADIC names text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(t.name, i, n)), '{}')
  FROM unnest(names) AS t(name), generate_series(1, length(t.name)) AS i, (VALUES (1), (2)) AS s(n)
  WHERE i + n - 1 <= length(t.name)
$$
""",
    """
CREATE OR REPLACE FUNCTION investledger_search_grams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN length(value) < 2 THEN ARRAY[value]
  ELSE ARRAY(SELECT DISTINCT substr(value, i, 2) FROM generate_series(1, length(value) - 1) AS i) END
$$
""",
]

INDEXES = [
    ("projects_project_name_grams", "projects_project", 'UPPER("name")'),
    ("investors_investor_names_grams", "investors_investor", 'UPPER("name"), UPPER("name_en")'),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for function in FUNCTIONS:
        schema_editor.execute(function)
    for name, table, columns in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (investledger_grams({columns}))")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _columns in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS investledger_grams(VARIADIC text[])")
    schema_editor.execute("DROP FUNCTION IF EXISTS investledger_search_grams(text)")


class Migration(migrations.Migration):
    dependencies = [("projects", "0009_amount_bound"), ("investors", "0004_version")]
    operations = [migrations.RunPython(forwards, backwards)]
