"""What a figure of the metric registry is (Metric), what computing it gives (Result), and the
registry itself (REGISTRY, filled by reporting.metrics): the ground the figure modules share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from django.utils.functional import Promise

from investledger.reporting.cohort import Cohort

RATIO = "ratio"
DAYS = "days"
CNY = "cny"


@dataclass(frozen=True)
class Metric:
    key: str
    name: Promise
    definition: Promise
    numerator_label: Promise
    denominator_label: Promise | None
    unit: str
    variant: Promise | None = None
    numerator: str | None = None  # a part name, for ledger figures
    denominator: str | None = None
    source: str = "ledger"  # ledger | supervision | escalation | opportunities
    compute: Callable | None = None  # for figures outside the ledger: (user, cohort, as_of) -> Result
    lower_is_better: bool = False  # overdue issues, days to signing: the ranking scores the fewest best

    def names(self) -> dict[str, str]:
        out = {}
        for lang in ("en", "zh-hans"):
            with translation.override(lang):
                out[lang] = str(self.name)
        return out

    def definitions(self) -> dict[str, str]:
        out = {}
        for lang in ("en", "zh-hans"):
            with translation.override(lang):
                out[lang] = str(self.definition)
        return out


@dataclass
class Result:
    metric: Metric
    value: Decimal | None
    numerator: Decimal | int | None
    denominator: Decimal | int | None
    cohort: str
    as_of: dt.date
    available: bool = True
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.metric.key

    def as_dict(self) -> dict:
        def num(v):
            return None if v is None else (str(v) if isinstance(v, Decimal) else v)

        return {
            "key": self.metric.key,
            "name": str(self.metric.name),
            "variant": str(self.metric.variant) if self.metric.variant else None,
            "unit": self.metric.unit,
            "value": num(self.value),
            "numerator": num(self.numerator),
            "denominator": num(self.denominator),
            "numerator_label": str(self.metric.numerator_label),
            "denominator_label": str(self.metric.denominator_label) if self.metric.denominator_label else None,
            "cohort": self.cohort,
            "as_of": self.as_of.isoformat(),
            "available": self.available,
            "note": self.note,
        }


def ratio(numerator, denominator) -> Decimal | None:
    if denominator in (None, 0) or numerator is None:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"))


def result_from_parts(metric: Metric, values: dict, cohort_text: str, as_of: dt.date) -> Result:
    numerator = values[metric.numerator]
    if metric.denominator is None:
        return Result(metric, numerator, numerator, None, cohort_text, as_of)
    denominator = values[metric.denominator]
    return Result(metric, ratio(numerator, denominator), numerator, denominator, cohort_text, as_of)


# --- Figures outside the ledger: supervision (funds in place) and escalation (issues) -------------


def not_available(metric: Metric, cohort: Cohort, as_of: dt.date, why: str) -> Result:
    return Result(metric, None, None, None, cohort.describe(), as_of, available=False, note=why)


# Every metric by its key: filled once by reporting.metrics from its METRICS list.
REGISTRY: dict[str, Metric] = {}
