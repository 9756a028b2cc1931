"""Form widgets for long choice lists.

Django renders each <option> of a Select through the template engine: a filter panel with a few
hundred events and areas spent most of the ledger page's time there (docs/benchmarks.md, Ledger
list). `FastSelect` writes the same HTML directly.
"""

from django import forms
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
