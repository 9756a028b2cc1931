"""The field rules of `projects.services.project_create`, applied to a signing list's parsed values.

Checked on the values directly rather than through `Project.full_clean()` per row: a value that
passes its field's quick test (chosen once per field: choices, length, digits and places, range) is
valid; one that does not is handed to the model field's own `clean()`, so the message is the one
the project form gives; `Project.clean()` runs on the values (`ProjectValues`) for the rules across
fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import cast

from django.db import models

from investledger.ledger.investors.models import Investor
from investledger.ledger.projects.models import Project

MODEL_FIELDS = (
    "name",
    "agreement_type",
    "currency",
    "contract_value",
    "fx_rate",
    "fx_date",
    "contract_value_cny",
    "outside_value_cny",
    "fixed_asset_value_cny",
    "value_approximate",
    "value_undisclosed",
    "planned_jobs",
    "planned_start",
    "planned_completion",
    "planned_production",
    "responsible_leader",
    "commissioner",
    "stage",
    "description",
)

# Sheet column of each model field whose message is shown on a row.
MODEL_COLUMN = {
    "contract_value_cny": "contract_value",
    "fx_rate": "contract_value",
    "fx_date": "contract_value",
    "outside_value_cny": "outside_value",
    "fixed_asset_value_cny": "fixed_asset_value",
}
_FIELD_RULES = {name: Project._meta.get_field(name) for name in MODEL_FIELDS}
INVESTOR_NAME_LENGTH = cast(int, Investor._meta.get_field("name").max_length)  # a CharField's


def rules() -> list:
    """(name, model field, its quick test) of every project field an import fills, built once."""
    global _RULES
    if _RULES is None:
        _RULES = [(name, model_field, _quick_test(model_field)) for name, model_field in _FIELD_RULES.items()]
    return _RULES


_RULES: list | None = None


def _quick_test(field) -> Callable[[object], bool]:
    """The quick test of one field, chosen once: choices, then its type's limits."""
    if field.choices:
        choices, type_ok = _choice_values(field), _type_test(field)
        return lambda value: value.__hash__ is not None and value in choices and type_ok(value)
    return _type_test(field)


def _type_test(field) -> Callable[[object], bool]:
    if isinstance(field, models.DecimalField):
        places_allowed = field.decimal_places
        whole_allowed = field.max_digits - field.decimal_places

        def decimal_ok(value):
            if value.__class__ is not Decimal or not value.is_finite():
                return False
            sign, digits, exponent = value.as_tuple()
            # Finite, so the exponent is a number (not "n", "N" or "F").
            if max(-exponent, 0) > places_allowed or len(digits) + exponent > whole_allowed:  # type: ignore[operator]
                return False
            return not sign or not any(digits)  # a negative amount: the field's validators decide

        return decimal_ok
    if isinstance(field, models.CharField):
        length, blank = field.max_length or 0, field.blank  # a CharField has a max_length
        return lambda value: isinstance(value, str) and len(value) <= length and (blank or value != "")
    if isinstance(field, models.IntegerField):
        return lambda value: value.__class__ is int and 0 <= value <= 2_147_483_647
    if isinstance(field, models.BooleanField):
        return lambda value: value.__class__ is bool
    if isinstance(field, models.DateField):
        return lambda value: isinstance(value, dt.date)
    if isinstance(field, models.TextField):
        return lambda value: isinstance(value, str)  # text choices (Stage.SIGNED) are str too
    return lambda value: False


_CHOICES: dict = {}


def _choice_values(field) -> set:
    if field not in _CHOICES:
        _CHOICES[field] = {value for value, _label in field.flatchoices}
    return _CHOICES[field]


_NO_VALUES = dict.fromkeys(MODEL_FIELDS)


class ProjectValues:
    """Parsed values read as project attributes, for `Project.clean()` without a model instance."""

    currency: str
    fx_rate: Decimal | None

    def __init__(self, values: dict):
        self.__dict__.update(_NO_VALUES)
        self.__dict__.update(values)
        self.currency = values.get("currency") or "CNY"
        self.side_state = ""
        self.side_state_reason = ""
        self.side_state_date = None
        if self.fx_rate is None and self.currency == "CNY":
            self.fx_rate = Decimal("1")

    def __getattr__(self, name):
        # Any other field `Project.clean()` may read: as a new project would have it.
        field = Project._meta.get_field(name)
        if not isinstance(field, models.Field):  # a reverse relation: no value of the project's own
            raise AttributeError(name)
        return field.get_default()
