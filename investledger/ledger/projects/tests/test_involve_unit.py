"""Involving a unit in a project is a change of the project's record, with its version check."""

import pytest

from investledger.core.versions import EditConflict
from investledger.escalation.choices import IssueCategory
from investledger.escalation.services import issue_raise
from investledger.ledger.projects import services
from investledger.testing import make_project

pytestmark = pytest.mark.django_db


def test_involving_a_unit_on_a_stale_version_is_refused(reference_data):
    project = make_project(area=reference_data.south, sector=reference_data.bio)
    with pytest.raises(EditConflict):
        services.project_involve_unit(project=project, unit=reference_data.power, expected_version=project.version - 1)
    assert not project.involved_units.exists()


def test_involving_a_unit_makes_a_new_version(reference_data):
    project = make_project(area=reference_data.south, sector=reference_data.bio)
    version = project.version
    assert services.project_involve_unit(project=project, unit=reference_data.power, expected_version=version)
    project.refresh_from_db()
    assert project.version == version + 1
    assert list(project.involved_units.all()) == [reference_data.power]
    assert not services.project_involve_unit(project=project, unit=reference_data.power)


def test_an_edit_started_before_an_issue_involved_a_unit_is_refused_rather_than_dropping_it(reference_data):
    project = make_project(area=reference_data.south, sector=reference_data.bio)
    opened_at = project.version
    issue_raise(
        project=project,
        fields={
            "title": "Power connection delayed",
            "category": IssueCategory.POWER,
            "responsible_unit": reference_data.power,
        },
        by=None,
    )
    with pytest.raises(EditConflict):
        services.project_update(
            project=project, fields={"name": "Renamed"}, m2m={"involved_units": []}, expected_version=opened_at
        )
    assert list(project.involved_units.all()) == [reference_data.power]
