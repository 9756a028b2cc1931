"""The admin changes projects through the projects services, like the pages and the API."""

from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from investledger.core.models import AuditEntry
from investledger.ledger.projects import services
from investledger.ledger.projects.models import Project, Signing
from investledger.testing import make_project

pytestmark = pytest.mark.django_db


def admin_form_data(project: Project, **changes) -> dict:
    """What the admin's change form posts for `project`, with `changes` typed in."""
    data = {}
    for name, value in model_to_dict(project, fields=services.EDITABLE_FIELDS).items():
        if name in services.M2M_FIELDS:
            data[name] = [item.pk for item in value]
        elif value is not None:
            data[name] = value
    data.update(changes)
    signings = list(project.signings.order_by("pk"))
    data.update(
        {
            "signings-TOTAL_FORMS": len(signings),
            "signings-INITIAL_FORMS": len(signings),
            "signings-MIN_NUM_FORMS": 0,
            "signings-MAX_NUM_FORMS": 1000,
            **{f"signings-{i}-id": s.pk for i, s in enumerate(signings)},
            **{f"signings-{i}-project": project.pk for i, _ in enumerate(signings)},
        }
    )
    return data


def test_an_admin_edit_of_the_amount_recounts_what_the_event_counts(client, personas, reference_data):
    project = make_project(area=reference_data.north, sector=reference_data.ev, event=reference_data.event)
    client.force_login(personas.admin)
    response = client.post(
        reverse("admin:projects_project_change", args=[project.pk]),
        admin_form_data(project, contract_value="2500000000"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    project.refresh_from_db()
    signing = Signing.objects.get(project=project)
    assert project.contract_value_cny == Decimal("2500000000")
    assert (signing.stated_value_cny, signing.counted_value_cny) == (Decimal("2500000000"), Decimal("2500000000"))
    assert project.version == 2
    signing_entry = AuditEntry.objects.filter(object_id=str(signing.pk), kind=AuditEntry.Kind.UPDATE).last()
    assert signing_entry is not None and signing_entry.source.startswith("admin:")


def test_an_admin_edit_runs_the_hooks_after_a_project_change(client, personas, reference_data, monkeypatch):
    project = make_project(area=reference_data.north, sector=reference_data.ev)
    seen = []
    monkeypatch.setattr(services, "AFTER_PROJECT_CHANGE", [*services.AFTER_PROJECT_CHANGE, seen.append])
    client.force_login(personas.admin)
    response = client.post(
        reverse("admin:projects_project_change", args=[project.pk]), admin_form_data(project, name="Renamed plant")
    )
    assert response.status_code == 302
    assert [p.pk for p in seen] == [project.pk]
    assert Project.objects.get(pk=project.pk).name == "Renamed plant"


def test_the_admin_edits_only_what_the_services_take(client, personas, reference_data):
    project = make_project(area=reference_data.north, sector=reference_data.ev)
    client.force_login(personas.admin)
    response = client.get(reverse("admin:projects_project_change", args=[project.pk]))
    assert set(response.context["adminform"].form.fields) == set(services.EDITABLE_FIELDS)
