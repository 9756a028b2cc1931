"""Project references are handed out once each, in order, per signing year."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from investledger.core import clock
from investledger.core.models import ReferenceSequence
from investledger.ledger.projects import services
from investledger.ledger.projects.choices import SideState
from investledger.ledger.projects.models import Project
from investledger.testing import make_project


@pytest.mark.django_db
def test_it_numbers_projects_per_year_in_order(reference_data):
    first = make_project(area=reference_data.north, sector=reference_data.ev, event=reference_data.event)
    second = make_project(area=reference_data.north, sector=reference_data.ev, event=reference_data.event)
    assert (first.reference, second.reference) == ("P2022-00001", "P2022-00002")
    with transaction.atomic():
        assert services.reserve_references(2022, 3) == ["P2022-00003", "P2022-00004", "P2022-00005"]


@pytest.mark.django_db
def test_it_continues_after_references_already_in_the_ledger(reference_data):
    project = make_project(area=reference_data.north, sector=reference_data.ev, event=reference_data.event)
    Project.objects.filter(pk=project.pk).update(reference="P2022-00041")
    ReferenceSequence.objects.filter(series="P").delete()
    with transaction.atomic():
        assert services.reserve_references(2022) == ["P2022-00042"]


@pytest.mark.django_db
def test_a_stale_side_state_change_is_refused(reference_data):
    project = make_project(area=reference_data.north, sector=reference_data.ev)
    with pytest.raises(services.EditConflict):
        services.project_set_side_state(
            project=project,
            side_state=SideState.STALLED,
            reason="waiting for land",
            since=dt.date(2023, 1, 1),
            expected_version=project.version - 1,
        )


@pytest.mark.django_db(transaction=True)
def test_concurrent_creations_never_share_a_reference(reference_data):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race only exists on PostgreSQL")
    errors, barrier = [], threading.Barrier(4)

    def create():
        try:
            barrier.wait()
            make_project(area=reference_data.north, sector=reference_data.ev, event=reference_data.event)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    references = list(Project.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references)) == 4


@pytest.mark.django_db
def test_a_project_without_a_signing_takes_the_year_of_the_products_clock(reference_data):
    # 17:00 UTC on New Year's Eve is already 1 January 2020 in the city (Asia/Shanghai).
    with clock.frozen_at(dt.datetime(2019, 12, 31, 17, 0, tzinfo=dt.timezone.utc)):
        project = make_project(area=reference_data.north, sector=reference_data.ev)
    assert project.signed_on is None
    assert project.reference.startswith("P2020-")
