"""The audit trail is a hash chain: any entry altered, removed, reordered or forged is found.

Tampering needs raw database access and first dropping the append-only triggers (the application
itself is refused by the database, see test_it_refuses_*). `investledger audit verify` then exits
non-zero and names the first entry that does not hold.
"""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction

from investledger.core import audit, clock
from investledger.core.audit import GENESIS_HASH, audit_context, verify_chain
from investledger.core.models import AuditEntry
from investledger.core.models_chain import AuditChainHead
from investledger.ledger.projects import services
from investledger.testing import forged_entry_after, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(reference_data):
    """A few projects and edits: a chain of several entries."""
    projects = [
        make_project(area=reference_data.north, sector=reference_data.ev, value=2_000_000_000),
        make_project(area=reference_data.south, sector=reference_data.food, value=300_000_000),
    ]
    with audit_context(source="test"):
        services.project_update(project=projects[0], fields={"planned_jobs": 120})
        services.project_update(project=projects[1], fields={"description": "Cold-chain warehouse"})
    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    assert len(ids) >= 4
    return ids


def run_verify():
    """Run `investledger audit verify`; return (exit code, output)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def columns():
    return [f.column for f in AuditEntry._meta.concrete_fields if f.column != "id"]


def test_an_untouched_chain_verifies(trail):
    code, output = run_verify()
    assert code == 0
    assert f"{len(trail)} entries verified" in output


def test_entries_written_under_a_frozen_local_clock_still_verify(reference_data):
    # A frozen date means local noon (Asia/Shanghai); the database hands it back in UTC.
    with clock.frozen_at(dt.date(2023, 5, 1)):
        make_project(area=reference_data.north, sector=reference_data.ev)
    assert verify_chain().ok


def test_it_refuses_an_orm_update_of_an_entry(trail):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=trail[0]).update(message="nothing happened")
    assert AuditEntry.objects.get(pk=trail[0]).message == ""


def test_it_refuses_an_orm_delete_of_an_entry(trail):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=trail[-1]).delete()
    assert AuditEntry.objects.filter(pk=trail[-1]).exists()


def test_it_refuses_saving_a_changed_entry(trail):
    entry = AuditEntry.objects.get(pk=trail[1])
    entry.actor_name = "someone else"
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()


def test_it_names_an_altered_entry(trail, raw_db):
    victim = trail[1]
    raw_db.execute("UPDATE core_auditentry SET actor_name = %s WHERE id = %s", ["someone else", victim])
    code, output = run_verify()
    assert code == 1
    assert f"entry #{victim} was altered" in output


def test_it_names_an_entry_whose_recorded_change_was_rewritten(trail, raw_db):
    victim = trail[2]
    entry = AuditEntry.objects.get(pk=victim)
    changes = {**entry.changes, "contract_value_cny": ["1.00", "2.00"]}
    raw_db.execute("UPDATE core_auditentry SET changes = %s WHERE id = %s", [json.dumps(changes), victim])
    result = verify_chain()
    assert (result.ok, result.entry_id) == (False, victim)


def test_it_names_the_entry_after_a_deleted_one(trail, raw_db):
    raw_db.execute("DELETE FROM core_auditentry WHERE id = %s", [trail[1]])
    code, output = run_verify()
    assert code == 1
    assert f"entry #{trail[2]} does not follow the entry before it" in output


def test_it_names_the_first_of_two_swapped_entries(trail, raw_db):
    a, b = trail[1], trail[2]
    cols = columns()
    rows = {}
    for pk in (a, b):
        raw_db.execute(f"SELECT {', '.join(cols)} FROM core_auditentry WHERE id = %s", [pk])
        rows[pk] = raw_db.fetchone()
    # Swap the contents of the two rows; the unique hash column needs a placeholder in between.
    raw_db.execute("UPDATE core_auditentry SET hash = %s WHERE id = %s", ["swapping", a])
    for target, source in ((b, a), (a, b)):
        assignments = ", ".join(f"{c} = %s" for c in cols)
        raw_db.execute(f"UPDATE core_auditentry SET {assignments} WHERE id = %s", [*rows[source], target])
    result = verify_chain()
    assert (result.ok, result.entry_id) == (False, a)
    assert "removed, inserted or reordered" in result.problem


def test_it_names_a_forged_entry_inserted_in_place_of_a_real_one(trail, raw_db):
    # The forger replaces entry #2 with their own, hashed correctly on the real predecessor:
    # the forged entry holds, but the next real entry no longer follows it.
    victim = trail[1]
    real = AuditEntry.objects.get(pk=victim)
    raw_db.execute("DELETE FROM core_auditentry WHERE id = %s", [victim])
    forged = AuditEntry(
        id=victim,
        timestamp=real.timestamp,
        actor_name="admin",
        source="web:forged",
        content_type_id=real.content_type_id,
        object_id=real.object_id,
        object_repr=real.object_repr,
        kind=AuditEntry.Kind.UPDATE,
        message="",
        changes={"contract_value_cny": ["2000000000.00", "9000000000.00"]},
        snapshot=real.snapshot,
        prev_hash=real.prev_hash,
    )
    forged.hash = audit.compute_hash(forged)
    AuditEntry.objects.bulk_create([forged])  # INSERTs are allowed by the triggers, as for the application
    result = verify_chain()
    assert (result.ok, result.entry_id) == (False, trail[2])


def test_it_names_a_forged_entry_appended_with_a_made_up_hash(trail):
    last = AuditEntry.objects.get(pk=trail[-1])
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                timestamp=clock.now(),
                actor_name="admin",
                source="web:forged",
                content_type_id=last.content_type_id,
                object_id=last.object_id,
                object_repr=last.object_repr,
                kind=AuditEntry.Kind.DELETE,
                prev_hash=last.hash,
                hash="f" * 64,
            )
        ]
    )
    forged_id = AuditEntry.objects.order_by("-id").values_list("id", flat=True)[0]
    code, output = run_verify()
    assert code == 1
    assert f"entry #{forged_id} was altered" in output


def test_it_names_a_well_forged_entry_appended_past_the_recorded_tail(trail):
    last = AuditEntry.objects.get(pk=trail[-1])
    forged = forged_entry_after(last, audit.compute_hash, timestamp=clock.now())
    AuditEntry.objects.bulk_create([forged])
    forged_id = AuditEntry.objects.get(hash=forged.hash).pk
    result = verify_chain()
    assert (result.ok, result.entry_id) == (False, forged_id)
    assert "after the recorded end of the chain" in result.problem


def test_it_finds_entries_deleted_from_the_end(trail, raw_db):
    raw_db.execute("DELETE FROM core_auditentry WHERE id >= %s", [trail[-2]])
    code, output = run_verify()
    assert code == 1
    assert f"the recorded tail is #{trail[-1]}" in output
    assert "removed from the end" in output


def test_it_finds_a_wiped_trail(trail, raw_db):
    raw_db.execute("DELETE FROM core_auditentry")
    result = verify_chain()
    assert (result.ok, result.entry_id) == (False, trail[-1])


def test_an_empty_trail_verifies(db):
    assert verify_chain().ok
    assert not AuditChainHead.objects.exists() or AuditChainHead.objects.get().last_hash == GENESIS_HASH


def test_a_chain_entry_records_values_as_text_so_amounts_stay_exact(reference_data):
    project = make_project(area=reference_data.north, sector=reference_data.ev, value="1234567890.12")
    entry = AuditEntry.objects.filter(
        object_id=str(project.pk), content_type__model="project", kind=AuditEntry.Kind.CREATE
    ).get()
    assert Decimal(entry.snapshot["contract_value_cny"]) == Decimal("1234567890.12")


def test_creations_stored_with_and_without_repeated_changes_both_verify(reference_data, raw_db):
    """A creation stores its state once, in `snapshot`; creations written before also listed every
    field in `changes` as [null, value]. The hash covers whatever was stored, so both forms verify."""
    first = make_project(area=reference_data.north, sector=reference_data.ev)
    new_form = AuditEntry.objects.get(object_id=str(first.pk), content_type__model="project", kind="create")
    # The light is set just after the creation, by the project's first assessment (its own entry).
    created = {**audit.snapshot(first), "light": "", "light_on": None}
    assert new_form.changes == {} and new_form.snapshot == created

    second = make_project(area=reference_data.south, sector=reference_data.food)
    state = audit.snapshot(second)
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().get(pk=1)
        old_form = AuditEntry(
            timestamp=clock.now(),
            actor_name="system",
            source="test",
            content_type_id=new_form.content_type_id,
            object_id=str(second.pk),
            object_repr=str(second),
            kind=AuditEntry.Kind.CREATE,
            changes=audit.diff(None, state),
            snapshot=state,
            prev_hash=head.last_hash,
        )
        old_form.hash = audit.compute_hash(old_form)
        old_form.save()
        head.last_hash, head.last_id = old_form.hash, old_form.pk
        head.save()
    assert AuditEntry.objects.get(pk=old_form.pk).changes["name"] == [None, second.name]
    assert verify_chain().ok

    # Both read as the same changes, and the empty changes of the new form are covered by its hash.
    assert audit.changes_of(AuditEntry.objects.get(pk=old_form.pk)) == audit.diff(None, state)
    assert audit.changes_of(new_form) == audit.diff(None, new_form.snapshot)
    raw_db.execute("UPDATE core_auditentry SET changes = %s WHERE id = %s", ['{"name": [null, "x"]}', new_form.pk])
    assert (verify_chain().ok, verify_chain().entry_id) == (False, new_form.pk)


def test_a_user_or_a_content_type_with_audit_entries_cannot_be_deleted(reference_data, personas):
    """The audit table has no database foreign keys (they cost a check per entry at commit); Django's
    on_delete=PROTECT still refuses to delete what an entry names."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import ProtectedError

    from investledger.ledger.projects.models import Project

    project = make_project(area=reference_data.north, sector=reference_data.ev)
    with audit_context(actor=personas.officer_north, source="test"):
        services.project_update(project=project, fields={"planned_jobs": 120})
    entries = set(AuditEntry.objects.filter(actor=personas.officer_north))
    assert entries

    with pytest.raises(ProtectedError) as refused:
        personas.officer_north.delete()
    assert set(refused.value.protected_objects) == entries
    assert get_user_model().objects.filter(pk=personas.officer_north.pk).exists()

    with pytest.raises(ProtectedError) as refused:
        ContentType.objects.get_for_model(Project).delete()
    assert {e.object_id for e in refused.value.protected_objects} >= {str(project.pk)}
    assert ContentType.objects.filter(app_label="projects", model="project").exists()

    # A user without entries is deleted as before.
    get_user_model().objects.create(username="passing_by").delete()
    assert verify_chain().ok
