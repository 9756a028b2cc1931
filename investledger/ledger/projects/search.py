"""The ledger's free-text search, one definition for the ledger page, the API and the exports.

A project matches when its name contains the text, when its investor's name (Chinese or English)
contains it, or when its reference is the text; letters match in either case.

On PostgreSQL the names are indexed by their characters and pairs of characters (migration
0010_name_search_grams; pg_trgm serves no pattern shorter than three characters, and Chinese words
are mostly two). The work is bounded whatever the text:

- the index is first asked for up to `BROAD` matching projects (a bounded read: it stops there);
- fewer: the ledger is filtered by those ids, so whatever else is filtered or sorted, the database
  reads at most `BROAD` rows for the text;
- more (a common word, 生物 in one project in ten): the text becomes a test of each row, and the
  database walks the index of the list's order and stops after the page, since at least one row in
  `total / BROAD` matches.

SQLite reads every name (the same test, unindexed): slower, the same answers.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet
from django.db.models.functions import Upper

from investledger.ledger.investors.models import Investor
from investledger.ledger.projects.models import Project

# Up to this many matches, the ledger is filtered by their ids; beyond, the text is a row test.
BROAD = 2000
# The longest text searched: the longest name a project may have.
MAX_LENGTH = Project._meta.get_field("name").max_length


class GramsHold(Func):
    """PostgreSQL: the names' characters and pairs (their GIN index) hold every pair of the text."""

    output_field = BooleanField()

    def __init__(self, *names, text: str):
        super().__init__(*(Upper(F(name)) for name in names))
        self.text = text

    def as_sql(self, compiler, connection, **extra_context):  # type: ignore[override]
        parts, params = [], []
        for expression in self.source_expressions:
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        sql = f"investledger_grams({', '.join(parts)}) @> investledger_search_grams(UPPER(%s))"
        return sql, (*params, self.text)


def _indexed() -> bool:
    return connection.vendor == "postgresql"


def _name_q(value: str) -> Q:
    contains = Q(name__icontains=value)
    return Q(GramsHold("name", text=value)) & contains if _indexed() else contains


def _investors(value: str) -> QuerySet:
    contains = Q(name__icontains=value) | Q(name_en__icontains=value)
    if _indexed():
        contains = Q(GramsHold("name", "name_en", text=value)) & contains
    return Investor.objects.filter(contains).order_by().values("pk")


def matching(queryset: QuerySet, value: str) -> QuerySet:
    """`queryset` narrowed to the projects the text finds (empty text: unchanged)."""
    value = value.strip()
    if not value:
        return queryset
    by_name = Project.objects.filter(_name_q(value)).order_by().values_list("pk", flat=True)
    by_reference = Project.objects.filter(reference=value.upper()).order_by().values_list("pk", flat=True)
    by_investor = Project.objects.filter(investor__in=_investors(value)).order_by().values_list("pk", flat=True)
    if not _indexed():
        return queryset.filter(pk__in=by_name.union(by_reference, by_investor))
    found = list(by_name.union(by_reference, by_investor, all=True)[: BROAD + 1])
    if len(found) <= BROAD:
        return queryset.filter(pk__in=set(found))
    return queryset.filter(Q(name__icontains=value) | Q(reference=value.upper()) | Q(investor__in=_investors(value)))
