"""Entering a ceremony's projects in one grid: one row per project, checked and saved all together.

Each row names a project, its investor (found by name, or created with the row), host area, sector
and amount. Before anything is saved every row is checked against the ledger with the one
likely-duplicate rule (`services.find_likely_duplicates`); a flagged row is saved only once the user
has said whether it is the same project (then the event records a re-signing of it) or a new one.
The save is all or nothing, through `services.project_create` / `services.signing_add`, so every
project and signing carries its audit entry and the counting-once rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from investledger.core import access
from investledger.core.access import Action
from investledger.core.forms import AmountField, BootstrapFormMixin, area_label
from investledger.ledger.investors import services as investor_services
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects import services
from investledger.ledger.projects.choices import SigningKind
from investledger.ledger.projects.models import Project
from investledger.reference.models import Area, Sector

NEW = "new"  # the decision "this row is a new project"
BLANK_ROWS = 5  # rows offered when the grid opens


class CeremonyRowForm(BootstrapFormMixin, forms.Form):
    compact = True  # a row of the grid

    """One project of the ceremony. `decision` answers a likely-duplicate flag: NEW or a project's id."""

    name = forms.CharField(label=gettext_lazy("Project name"), max_length=300)
    investor_name = forms.CharField(label=gettext_lazy("Investor"), max_length=200)
    investor = forms.IntegerField(required=False, widget=forms.HiddenInput)
    new_investor = forms.BooleanField(required=False, widget=forms.HiddenInput)
    host_area = forms.ModelChoiceField(label=gettext_lazy("Host area"), queryset=Area.objects.none())
    sector = forms.ModelChoiceField(label=gettext_lazy("Sector"), queryset=Sector.objects.none())
    amount = AmountField(label=gettext_lazy("Contract investment"), required=False)
    undisclosed = forms.BooleanField(label=gettext_lazy("undisclosed"), required=False)
    decision = forms.CharField(required=False)

    # Fields whose change asks the row's duplicate check again.
    CHECKED = ("name", "investor_name", "host_area", "amount", "undisclosed")

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, **kwargs)
        self.user = user
        self.duplicates: list[dict] = []
        self.current_decision = ""
        self.investor_obj: Investor | None = None
        # A district officer may only place projects in the areas (and sub-areas) they answer for.
        self.fields["host_area"].queryset = Area.objects.filter(access.area_q(user, Action.CREATE)).order_by("path")
        self.fields["host_area"].label_from_instance = area_label
        self.fields["host_area"].error_messages["invalid_choice"] = gettext_lazy(
            "Choose a host area you are responsible for; that area is not one of them."
        )
        self.fields["sector"].queryset = Sector.objects.order_by("position", "code")
        # Search as you type: htmx asks for matching investors and puts them under the field.
        self.fields["investor_name"].widget.attrs.update(
            {
                "autocomplete": "off",
                "hx-get": reverse("investors:investor_search"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "next .investor-results",
                "hx-include": "this",
                "hx-sync": "this:replace",
            }
        )
        self.fields["undisclosed"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        self.investor_obj = self._investor(data)
        if data.get("undisclosed"):
            if data.get("amount"):
                self.add_error("amount", _("An undisclosed amount is kept empty: clear it or untick “undisclosed”."))
            data["amount"] = None
        elif data.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Give the amount, or tick “undisclosed”."))
        return data

    def _investor(self, data) -> Investor | None:
        """The investor the row names: the one picked, the one of that exact name, or none yet (new)."""
        name = (data.get("investor_name") or "").strip()
        if not name:
            return None
        choosable = Investor.objects.visible_to(self.user, Action.CREATE)
        picked = data.get("investor")
        if picked:
            found = choosable.filter(pk=picked, name=name).first()
            if found:
                return found
        found = choosable.filter(name__iexact=name).order_by("pk").first()
        if found:
            data["new_investor"] = False
            return found
        if not data.get("new_investor"):
            self.add_error(
                "investor_name",
                _("No investor is called “%(name)s”: pick one from the list, or choose “New investor”.")
                % {"name": name},
            )
        return None

    @property
    def filled(self) -> bool:
        return self.is_bound and self.has_changed()


class BaseCeremonyFormSet(forms.BaseFormSet):
    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"user": self.user, "empty_permitted": True}

    @property
    def filled_forms(self) -> list[CeremonyRowForm]:
        return [f for f in self.forms if f.filled]

    def clean(self):
        if not any(f.filled for f in self.forms):
            raise ValidationError(_("Enter at least one project."))


CeremonyFormSet = forms.formset_factory(CeremonyRowForm, formset=BaseCeremonyFormSet, extra=0)


def blank_formset(user, rows: int = BLANK_ROWS) -> BaseCeremonyFormSet:
    return CeremonyFormSet(initial=[{}] * rows, user=user)


def check_row(form: CeremonyRowForm) -> None:
    """Look for projects the row may already be (the one rule the form, API and import use).

    Sets `form.duplicates`: each candidate with its reasons and whether the user may open it. A
    decision that no longer names a candidate is dropped.
    """
    data = form.cleaned_data
    if not data.get("name") or not data.get("host_area"):
        return
    candidates = services.find_likely_duplicates(
        name=data["name"],
        investor_id=form.investor_obj.pk if form.investor_obj else None,
        host_area_id=data["host_area"].pk,
        contract_value_cny=data.get("amount"),
    )
    visible = set(
        Project.objects.visible_to(form.user, Action.CHANGE)
        .filter(pk__in=[c.project.pk for c in candidates])
        .values_list("pk", flat=True)
    )
    form.duplicates = [
        {"project": c.project, "reasons": c.reasons, "can_resign": c.project.pk in visible} for c in candidates
    ]
    allowed = {NEW} | {str(pk) for pk in visible}
    if data.get("decision") not in allowed:
        data["decision"] = ""
    form.current_decision = data["decision"]


def check(formset: BaseCeremonyFormSet) -> bool:
    """Validate and duplicate-check every filled row; True when the grid may be saved as it is."""
    valid = formset.is_valid()
    ready = valid
    for number, form in enumerate(formset.forms, start=1):
        form.number = number
        if not form.filled or form.errors:
            continue
        check_row(form)
        if form.duplicates and not form.cleaned_data.get("decision"):
            form.add_error(
                "decision",
                _("This looks like a project already in the ledger: say whether it is the same project or a new one."),
            )
            ready = False
    return ready and not any(f.errors for f in formset.forms)


@dataclass
class Outcome:
    created: list[Project] = field(default_factory=list)
    resigned: list[Project] = field(default_factory=list)
    investors: list[Investor] = field(default_factory=list)


class RowsRefused(Exception):
    """The save was rolled back; the rows' forms carry the errors."""


@transaction.atomic
def record(formset: BaseCeremonyFormSet, event) -> Outcome:
    """Save every filled row at the event, or nothing: any row refused rolls the whole grid back.

    Each row runs in a savepoint, so one refused row does not stop the others from being checked:
    all errors are reported together.
    """
    outcome = Outcome()
    failed = False
    for form in formset.filled_forms:
        try:
            with transaction.atomic():
                _record_row(form, event, outcome)
        except ValidationError as exc:
            failed = True
            _put_errors(form, exc)
        except services.DuplicateSuspected:
            failed = True
            form.add_error(
                "decision",
                _(
                    "This looks like a project already in the ledger or an earlier row: say whether it is the same project."
                ),
            )
    if failed:
        transaction.set_rollback(True)
        raise RowsRefused
    return outcome


def _record_row(form: CeremonyRowForm, event, outcome: Outcome) -> None:
    data = form.cleaned_data
    amount = data.get("amount")
    decision = data.get("decision") or ""
    if decision and decision != NEW:
        project = Project.objects.visible_to(form.user, Action.CHANGE).get(pk=int(decision))
        services.signing_add(
            project=project,
            event=event,
            signed_on=event.date,
            kind=SigningKind.RESIGNING,
            stated_value_cny=amount or 0,
        )
        outcome.resigned.append(project)
        return
    investor = form.investor_obj
    if investor is None:
        # Two rows may name the same new investor: the first creates it, the next finds it.
        name = data["investor_name"].strip()
        investor = Investor.objects.filter(name=name).first()
        if investor is None:
            investor = investor_services.investor_create(name=name)
            outcome.investors.append(investor)
    project = services.project_create(
        fields={
            "name": data["name"].strip(),
            "investor": investor,
            "host_area": data["host_area"],
            "sector": data["sector"],
            "contract_value": amount or 0,
            "value_undisclosed": bool(data.get("undisclosed")),
        },
        event=event,
        confirm_not_duplicate=decision == NEW,
    )
    outcome.created.append(project)


# Model fields named differently in the row.
_ROW_FIELD = {"contract_value": "amount", "value_undisclosed": "undisclosed", "investor": "investor_name"}


def _put_errors(form: CeremonyRowForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        target = _ROW_FIELD.get(name, name)
        if name == "__all__" or target not in form.fields:
            target = None
        for e in errors:
            form.add_error(target, e)
