"""Emptying the whole database (flush, and so transactional tests) still works with append-only audit."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction

from investledger.core.models import AuditEntry
from investledger.testing import make_project


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_trail_and_puts_the_refusal_back(reference_data):
    make_project(area=reference_data.north, sector=reference_data.ev)
    assert AuditEntry.objects.exists()
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()

    from investledger.testing import build_reference_data

    ref = build_reference_data()
    make_project(area=ref.south, sector=ref.food)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.exists()
