"""Text the ledger refuses: control characters.

A control character (C0: U+0000 to U+001F and U+007F; C1: U+0080 to U+009F) typed or pasted into a
name is invisible on a page but breaks what is written from it: an Excel file cannot hold most of
them, and a name holding one once made every workbook listing it fail. They are refused on the way
in, with a message naming the field and the character; a multi-line text keeps its line breaks and
tabs (browsers send a textarea's lines as CR LF).

`guard_text_fields()` puts the validator on every `CharField` and `TextField` of the product's
models when the apps are ready, so model forms (through `full_clean`), model serializers (DRF copies
a model field's validators), and the service functions (`full_clean`) all refuse them, and a model
or field added later is covered without being listed. The validator joins the field's default
validators, which migrations do not record, so it needs no migration. Imports reuse `find_control`
for a cell's value, and outputs never break on older data that holds one (`core.spreadsheets`,
`core.pdf`).
"""

from __future__ import annotations

import re
import unicodedata

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_EXCEPT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
PACKAGE = "investledger."


def find_control(value: str, *, multiline: bool = False) -> re.Match | None:
    """The first control character of `value` (tab, CR and LF allowed when `multiline`), or None."""
    return (CONTROL_EXCEPT_LINES if multiline else CONTROL).search(value)


def describe(character: str) -> str:
    """A control character as people can read it: `U+000B (LINE TABULATION)`."""
    name = unicodedata.name(character, "") or _CONTROL_NAMES.get(ord(character), "")
    code = f"U+{ord(character):04X}"
    return f"{code} ({name})" if name else code


# unicodedata names no control character: the common ones, by their Unicode alias.
_CONTROL_NAMES = {
    0x00: "NULL",
    0x07: "BELL",
    0x08: "BACKSPACE",
    0x09: "CHARACTER TABULATION",
    0x0A: "LINE FEED",
    0x0B: "LINE TABULATION",
    0x0C: "FORM FEED",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
    0x85: "NEXT LINE",
}


@deconstructible
class ControlCharacterValidator:
    """Refuses text holding a control character; `label` names the field in the message."""

    code = "control_character"

    def __init__(self, label=None, multiline: bool = False):
        self.label = label
        self.multiline = multiline

    def __call__(self, value) -> None:
        if not isinstance(value, str):
            return
        found = find_control(value, multiline=self.multiline)
        if found is None:
            return
        params = {
            "field": self.label or _("This field"),
            "character": describe(found.group()),
            "position": found.start() + 1,
        }
        raise ValidationError(
            _("%(field)s contains the control character %(character)s at character %(position)s: remove it."),
            code=self.code,
            params=params,
        )

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, ControlCharacterValidator)
            and self.multiline == other.multiline
            and str(self.label) == str(other.label)
        )


def _guard(field: models.Field) -> None:
    if any(isinstance(v, ControlCharacterValidator) for v in field.default_validators):
        return
    multiline = isinstance(field, models.TextField)
    validator = ControlCharacterValidator(label=field.verbose_name, multiline=multiline)
    # An instance attribute: the class's list stays as it was, and `Field.validators` (cached on
    # first use, which comes after the apps are ready) adds it to the field's own validators.
    field.default_validators = [*field.default_validators, validator]
    field.__dict__.pop("validators", None)


def guard_text_fields() -> None:
    """Put the control-character validator on every text field of the product's models."""
    for model in apps.get_models():
        if not model.__module__.startswith(PACKAGE):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, (models.CharField, models.TextField)) and field.concrete:
                _guard(field)
