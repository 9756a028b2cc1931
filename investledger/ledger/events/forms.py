"""The signing-event form (bureau administrators keep the list of events)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from investledger.core.forms import AmountField, BootstrapFormMixin, DateInput, VersionedFormMixin
from investledger.core.related import scope_choices
from investledger.ledger.events import services
from investledger.ledger.events.models import SigningEvent
from investledger.reference.models import Area, Unit


class SigningEventForm(VersionedFormMixin, BootstrapFormMixin, forms.ModelForm):
    announced_value_cny = AmountField(
        label=_("Value announced (CNY)"),
        required=False,
        help_text=_("As announced on the day."),
    )
    source_url = forms.URLField(
        label=_("Source"), required=False, assume_scheme="https", help_text=_("Address of the announcement.")
    )

    class Meta:
        model = SigningEvent
        fields = [name for name in services.EVENT_FIELDS if name != "is_demo"]  # demo data is not typed
        widgets = {"date": DateInput(), "end_date": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = Unit.objects.order_by("code")
        self.fields["host_area"].queryset = Area.objects.order_by("path")
        scope_choices(self, user)
        self.style()

    def service_fields(self) -> dict:
        """What `services.event_create` / `event_update` take from the form."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
