from django import forms
from django.utils.translation import gettext_lazy as _

from investledger.core.forms import style_widgets
from investledger.core.related import scope_choices
from investledger.intake import kinds
from investledger.intake.fields import Kind
from investledger.intake.kinds import columns_for
from investledger.ledger.events.models import SigningEvent


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))
    kind = forms.ChoiceField(label=_("Kind of sheet"), choices=kinds.sheet_choices, initial=Kind.SIGNINGS)
    source = forms.CharField(
        label=_("Source"),
        max_length=120,
        required=False,
        help_text=_(
            "Who sends this sheet, e.g. “North District monthly list”: a confirmed mapping is remembered per source."
        ),
    )
    event = forms.ModelChoiceField(
        label=_("Signing event"),
        queryset=SigningEvent.objects.all(),
        required=False,
        help_text=_("For rows that name no event."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope_choices(self, user)
        style_widgets(self)


class MappingForm(forms.Form):
    """One choice per sheet column: the field it holds, or nothing (the column is kept, not imported)."""

    remember = forms.BooleanField(label=_("Remember this mapping for the source"), required=False, initial=True)

    def __init__(self, *args, batch, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not imported —"))] + [
            (c.name, f"{c.zh} / {c.en}{' *' if c.required else ''}") for c in columns_for(batch.kind)
        ]
        for index, header in enumerate(batch.headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header or _("(no header)"),
                choices=choices,
                required=False,
                initial=batch.mapping.get(str(index), ""),
            )

    def mapping(self) -> dict[str, str]:
        return {
            key.removeprefix("col_"): value
            for key, value in self.cleaned_data.items()
            if key.startswith("col_") and value
        }
