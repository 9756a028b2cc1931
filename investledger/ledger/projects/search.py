"""The ledger's free-text search, one definition for the ledger page, the API and the exports.

A project matches when its name contains the text, when its investor's name (Chinese or English)
contains it, or when its reference is the text; letters match in either case.

On PostgreSQL the names are indexed by their characters and pairs of characters (migration
0010_name_search_grams; pg_trgm serves no pattern shorter than three characters, and Chinese words
are mostly two). The work is bounded whatever the text:

- the index is first asked for up to `BROAD` matching projects (a bounded read: it stops there),
  unless the planner's statistics of the index already say the word is far more common;
- fewer: the ledger is filtered by those ids, so whatever else is filtered or sorted, the database
  reads at most `BROAD` rows for the text;
- more (a common word, 生物 in one project in ten): the text becomes a test of each row, and the
  database walks the index of the list's order and stops after the page, since at least one row in
  `total / BROAD` matches.

SQLite reads every name (the same test, unindexed): slower, the same answers.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import GreaterThan

from investledger.ledger.investors.models import Investor
from investledger.ledger.projects.models import Project
from investledger.ledger.projects.totals import planner_estimate

# Up to this many matches, the ledger is filtered by their ids; beyond, the text is a row test.
BROAD = 2000
# Estimated by the planner at this many times BROAD, a word is taken as common without probing.
SURELY_COMMON = 10
# A common word's investors are named by id up to this many (beyond, the subquery).
INVESTORS_NAMED = 5000
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


def _holds(field: str, value: str) -> Q:
    """PostgreSQL: `field` contains `value` in either case, tested after the index by strpos rather than
    LIKE, which the planner could also try to answer from the trigram index: for a text shorter than
    three characters that index holds nothing to look up and it reads every entry."""
    return Q(GreaterThan(StrIndex(Upper(F(field)), Upper(Value(value))), 0))


def _name_q(value: str) -> Q:
    if not _indexed():
        return Q(name__icontains=value)
    return Q(GramsHold("name", text=value)) & _holds("name", value)


def _investors(value: str) -> QuerySet:
    if _indexed():
        contains = Q(GramsHold("name", "name_en", text=value)) & (_holds("name", value) | _holds("name_en", value))
    else:
        contains = Q(name__icontains=value) | Q(name_en__icontains=value)
    return Investor.objects.filter(contains).order_by().values("pk")


def matching(queryset: QuerySet, value: str) -> QuerySet:
    """`queryset` narrowed to the projects the text finds (empty text: unchanged)."""
    return find(queryset, value)[0]


def find(queryset: QuerySet, value: str) -> tuple[QuerySet, bool]:
    """`queryset` narrowed to the projects the text finds, and whether the index's statistics call the
    text common (more than SURELY_COMMON times BROAD projects: the list's count may then be estimated
    without counting rows, projects/totals.py)."""
    value = value.strip()
    if not value:
        return queryset, False
    by_name = Project.objects.filter(_name_q(value)).order_by().values_list("pk", flat=True)
    by_reference = Project.objects.filter(reference=value.upper()).order_by().values_list("pk", flat=True)
    by_investor = Project.objects.filter(investor__in=_investors(value)).order_by().values_list("pk", flat=True)
    if not _indexed():
        return queryset.filter(pk__in=by_name.union(by_reference, by_investor)), False
    # A word the planner's statistics of the index already call common (生物: 160,000 of a million) is
    # not probed: reading its index entries alone would cost more than the page.
    estimate = planner_estimate(Project.objects.filter(GramsHold("name", text=value)))
    common = estimate is not None and estimate > BROAD * SURELY_COMMON
    if not common:
        found = list(by_name.union(by_reference, by_investor, all=True)[: BROAD + 1])
        if len(found) <= BROAD:
            return queryset.filter(pk__in=set(found)), False
    # The investors found are named by their ids when they are not too many: the planner then knows
    # how many projects they hold, so the list's estimated count (projects.totals) is near the truth.
    investors = list(_investors(value).values_list("pk", flat=True)[: INVESTORS_NAMED + 1])
    by_investor = investors if len(investors) <= INVESTORS_NAMED else _investors(value)
    rows = Q(name__icontains=value) | Q(reference=value.upper()) | Q(investor__in=by_investor)
    return queryset.filter(rows), common
