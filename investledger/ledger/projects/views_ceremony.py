"""The ceremony grid: a signing event's projects entered together (see `projects.ceremony`).

The page is a formset; htmx adds rows and re-checks a row for likely duplicates when one of its
checked fields changes. The save posts the whole grid and is all or nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from investledger.core.access import Action
from investledger.core.views import get_visible_or_404, require
from investledger.ledger.projects import ceremony
from investledger.ledger.projects.models import signing_events

MAX_ROWS = 200


def _event_for(request, event_pk: int):
    require(request.user, Action.CREATE)
    return get_visible_or_404(signing_events(), request.user, event_pk)


@login_required
@require_http_methods(["GET", "POST"])
def ceremony_entry(request, event_pk: int):
    event = _event_for(request, event_pk)
    user = request.user
    if request.method == "POST":
        formset = ceremony.CeremonyFormSet(request.POST, user=user)
        if ceremony.check(formset):
            try:
                outcome = ceremony.record(formset, event)
            except ceremony.RowsRefused:
                pass
            else:
                messages.success(request, _summary(outcome, event))
                return redirect("events:event_detail", pk=event.pk)
    else:
        formset = ceremony.blank_formset(user)
        for number, form in enumerate(formset.forms, start=1):
            form.number = number
    errors = _error_list(formset) if formset.is_bound else []
    return render(
        request,
        "projects/ceremony_entry.html",
        {"event": event, "formset": formset, "errors": errors, "next_index": formset.total_form_count()},
    )


@login_required
@require_GET
def ceremony_row(request, event_pk: int):
    """One more blank row, with the formset's row count and the add button moved on (out of band)."""
    event = _event_for(request, event_pk)
    try:
        index = min(max(int(request.GET.get("index", "0")), 0), MAX_ROWS)
    except ValueError:
        index = 0
    formset = ceremony.CeremonyFormSet(initial=[{}] * (index + 1), user=request.user)
    form = formset.forms[index]
    form.number = index + 1
    return render(
        request,
        "projects/_ceremony_row_added.html",
        {"event": event, "form": form, "next_index": index + 1, "formset": formset},
    )


@login_required
@require_POST
def ceremony_check(request, event_pk: int):
    """The row's duplicate check, asked again when one of its fields changes: its status cell."""
    event = _event_for(request, event_pk)
    prefix = request.POST.get("prefix", "")
    if not prefix.startswith("form-") or not prefix[5:].isdigit():
        prefix = "form-0"
    form = ceremony.CeremonyRowForm(request.POST, prefix=prefix, user=request.user, empty_permitted=True)
    form.number = int(prefix[5:]) + 1
    if form.filled and form.is_valid():
        ceremony.check_row(form)
    return render(request, "projects/_ceremony_status.html", {"event": event, "form": form, "checked": True})


def _error_list(formset) -> list[str]:
    """Each row's errors as “Row 2, Amount: …”, for the summary above the grid."""
    out = [str(e) for e in formset.non_form_errors()]
    for number, form in enumerate(formset.forms, start=1):
        for name, errors in form.errors.items():
            field = form.fields.get(name)
            where = (
                _("Row %(row)s, %(field)s") % {"row": number, "field": field.label or _("decision")}
                if field is not None and name != "decision"
                else _("Row %(row)s") % {"row": number}
            )
            out.extend(f"{where}: {error}" for error in errors)
    return out


def _summary(outcome: ceremony.Outcome, event) -> str:
    parts = [
        ngettext("%(count)d new project", "%(count)d new projects", len(outcome.created))
        % {"count": len(outcome.created)},
        ngettext("%(count)d re-signing", "%(count)d re-signings", len(outcome.resigned))
        % {"count": len(outcome.resigned)},
    ]
    if outcome.investors:
        parts.append(
            ngettext("%(count)d new investor", "%(count)d new investors", len(outcome.investors))
            % {"count": len(outcome.investors)}
        )
    return _("Recorded at %(event)s: %(parts)s.") % {"event": event.label, "parts": _(", ").join(parts)}
