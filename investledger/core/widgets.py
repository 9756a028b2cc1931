"""Form widgets for long choice lists.

Django renders each <option> of a Select through the template engine: a filter panel with a few
hundred events and areas spent most of the ledger page's time there (docs/benchmarks.md, Ledger
list). `FastSelect` writes the same HTML directly, and `cached_choices` keeps a list's choices from
one request to the next until something is recorded in the ledger (the audit chain's tail moves).
"""

import hashlib
from collections.abc import Callable, Hashable
from typing import Any

from django import forms
from django.core.cache import cache
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        final = self.build_attrs(self.attrs, attrs or {})
        final["name"] = name
        attributes = "".join(
            format_html(' {}="{}"', key, val) if val is not True else format_html(" {}", key)
            for key, val in final.items()
            if val is not False and val is not None
        )
        options = []
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            options.append(
                '<option value="{}"{}>{}</option>'.format(
                    conditional_escape(option_value),
                    " selected" if option_value in selected else "",
                    conditional_escape(str(label)),
                )
            )
        return mark_safe(f"<select{attributes}>{''.join(options)}</select>")


def version() -> int:
    """The data version choice lists are kept for: the audit chain's tail, which every recorded change
    (reference data, investors, projects, role assignments) moves on."""
    from investledger.core import audit

    return audit.chain_tail_id()


def scope_key(user) -> tuple:
    """What a user's access depends on, for keying lists built for their scope."""
    from investledger.core import access

    return (
        user.pk,
        bool(getattr(user, "is_superuser", False)),
        tuple(sorted((a.role, a.area_id or 0, a.unit_id or 0) for a in access.assignments(user))),
    )


def cached_choices(key: Hashable, data_version: int, build: Callable[[], Any]) -> Any:
    """What `build()` answers (a list's choices, as plain values and texts), built once per `key` (the
    list, and what it depends on: the reader's scope, the language) and data version."""
    name = "choices:" + hashlib.sha256(repr((key, data_version)).encode()).hexdigest()
    found = cache.get(name)
    if found is None:
        found = (build(),)  # in a tuple: an answer of None is kept too
        cache.set(name, found, 3600)
    return found[0]
