"""Issue and notice references come from the one generator of reference numbers, locked per series."""

import threading

import pytest
from django.db import connection

from investledger.core.models import ReferenceSequence
from investledger.escalation.models import Issue
from investledger.testing import make_project

from .helpers import raise_issue


@pytest.mark.django_db
def test_issues_are_numbered_per_year_after_those_already_raised(reference_data, south_project):
    first = raise_issue(south_project, reference_data.power)
    Issue.objects.filter(pk=first.pk).update(reference="Q2026-0041")
    ReferenceSequence.objects.filter(series="Q").delete()
    second = raise_issue(south_project, reference_data.power, title="Second matter")
    assert (first.reference, second.reference) == ("Q2026-0001", "Q2026-0042")


@pytest.mark.django_db(transaction=True)
def test_issues_raised_at_the_same_moment_never_share_a_reference(reference_data):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race only exists on PostgreSQL")
    projects = [make_project(area=reference_data.south, sector=reference_data.bio, name=f"Plant {n}") for n in range(4)]
    errors, barrier = [], threading.Barrier(len(projects))

    def raise_one(project):
        try:
            barrier.wait()
            raise_issue(project, reference_data.power)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=raise_one, args=(p,)) for p in projects]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(Issue.objects.values_list("reference", flat=True)) == [f"Q2026-{n:04d}" for n in range(1, 5)]
