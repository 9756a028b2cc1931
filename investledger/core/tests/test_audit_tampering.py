"""The tampering suite: what someone with write access to the database, but not the audit key, may try.

Each story ends with `investledger audit verify` exiting 1 and naming what was done, with a
checkpoint where a checkpoint is what catches it (cutting the tail and moving the head along leaves
a chain that holds on its own). The attacker first drops the append-only triggers (`raw_db`).
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from investledger.core import audit, checkpoints
from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.ledger.projects import services
from investledger.testing import forged_entry_after, make_project

pytestmark = pytest.mark.django_db

ATTACKER_KEY = "a key the attacker made up, not the installation's"


@pytest.fixture
def trail(reference_data):
    projects = [
        make_project(area=reference_data.north, sector=reference_data.ev, value=2_000_000_000),
        make_project(area=reference_data.south, sector=reference_data.food, value=300_000_000),
    ]
    with audit_context(source="test"):
        services.project_update(project=projects[0], fields={"planned_jobs": 120})
        services.project_update(project=projects[1], fields={"description": "Cold-chain warehouse"})
        services.project_update(project=projects[0], fields={"planned_jobs": 150})
    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    assert len(ids) >= 5
    return ids


@pytest.fixture
def checkpoint_file(trail, tmp_path):
    """A checkpoint taken while the trail was whole, kept outside the database."""
    path = tmp_path / "checkpoint.json"
    call_command("audit", "checkpoint", "--output", str(path), stdout=StringIO())
    return path


def verify(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def move_head(raw_db, entry_id):
    raw_db.execute("SELECT hash FROM core_auditentry WHERE id = %s", [entry_id])
    raw_db.execute(
        "UPDATE core_auditchainhead SET last_id = %s, last_hash = %s WHERE id = 1", [entry_id, raw_db.fetchone()[0]]
    )


def rechain(raw_db, from_id, hash_of=audit.plain_hash):
    """Recompute the hash and link of every entry from `from_id` on (plain SHA-256 unless told), and move
    the head to the new end: what a forger does after changing an entry."""
    raw_db.execute("SELECT prev_hash FROM core_auditentry WHERE id = %s", [from_id])
    prev = raw_db.fetchone()[0]
    last = None
    for entry in AuditEntry.objects.filter(id__gte=from_id).order_by("id"):
        entry.prev_hash = prev
        entry.hash = hash_of(entry)
        raw_db.execute(
            "UPDATE core_auditentry SET prev_hash = %s, hash = %s WHERE id = %s",
            [entry.prev_hash, entry.hash, entry.pk],
        )
        prev, last = entry.hash, entry.pk
    move_head(raw_db, last)


def test_an_untouched_trail_holds_its_checkpoint(trail, checkpoint_file):
    code, output = verify("--checkpoint", str(checkpoint_file))
    assert code == 0, output
    assert f"{len(trail)} entries verified; holds the checkpoint of" in output


def test_it_catches_an_edited_field(trail, raw_db):
    raw_db.execute("UPDATE core_auditentry SET object_repr = %s WHERE id = %s", ["a harmless project", trail[2]])
    code, output = verify()
    assert code == 1
    assert f"entry #{trail[2]} was altered" in output


def test_it_catches_a_deleted_entry(trail, raw_db):
    raw_db.execute("DELETE FROM core_auditentry WHERE id = %s", [trail[2]])
    code, output = verify()
    assert code == 1
    assert f"entry #{trail[3]} does not follow the entry before it" in output


def test_it_catches_reordered_entries(trail, raw_db):
    # The later entry takes the earlier one's place and the reverse (ids are the chain's order).
    raw_db.execute("UPDATE core_auditentry SET id = -1 WHERE id = %s", [trail[1]])
    raw_db.execute("UPDATE core_auditentry SET id = %s WHERE id = %s", [trail[1], trail[2]])
    raw_db.execute("UPDATE core_auditentry SET id = %s WHERE id = -1", [trail[2]])
    code, output = verify()
    assert code == 1
    assert f"entry #{trail[1]} does not follow the entry before it" in output


def test_it_catches_an_inserted_entry(trail, raw_db):
    # Room is made after the second entry; the forged entry is chained to it with a plain hash and
    # the entries after it are linked to the forgery.
    for pk in reversed(trail[2:]):
        raw_db.execute("UPDATE core_auditentry SET id = %s WHERE id = %s", [pk + 1, pk])
    real = AuditEntry.objects.get(pk=trail[1])
    forged = AuditEntry(
        id=trail[1] + 1,
        timestamp=real.timestamp,
        actor_name="admin",
        source="web:forged",
        content_type_id=real.content_type_id,
        object_id=real.object_id,
        object_repr=real.object_repr,
        kind=AuditEntry.Kind.UPDATE,
        changes={"contract_value_cny": ["2000000000.00", "9000000000.00"]},
        snapshot=real.snapshot,
        prev_hash=real.hash,
    )
    forged.hash = audit.plain_hash(forged)
    AuditEntry.objects.bulk_create([forged])
    rechain(raw_db, trail[1] + 2)
    code, output = verify()
    assert code == 1
    assert f"entry #{trail[1] + 1} was altered" in output


def test_a_cut_tail_with_the_head_moved_is_caught_by_a_checkpoint(trail, checkpoint_file, raw_db):
    raw_db.execute("DELETE FROM core_auditentry WHERE id >= %s", [trail[-2]])
    move_head(raw_db, trail[-3])
    # On its own the shortened chain holds: nothing in the database says it was longer.
    assert verify()[0] == 0
    code, output = verify("--checkpoint", str(checkpoint_file))
    assert code == 1
    assert f"entry #{trail[-1]}, the last one recorded by the checkpoint of" in output
    assert f"entries were removed from the end of the chain (it now ends at #{trail[-3]})" in output


def test_a_cut_tail_regrown_under_the_same_ids_is_caught_by_a_checkpoint(
    trail, checkpoint_file, raw_db, reference_data
):
    """The last entries are cut, the head and the id sequence moved back, and the application writes new
    entries under the same ids: the chain holds and is as long as before, but is not the one recorded."""
    from django.db import connection

    raw_db.execute("DELETE FROM core_auditentry WHERE id >= %s", [trail[-2]])
    move_head(raw_db, trail[-3])
    if connection.vendor == "postgresql":
        raw_db.execute("SELECT setval(pg_get_serial_sequence('core_auditentry', 'id'), %s)", [trail[-3]])
    else:
        raw_db.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = 'core_auditentry'", [trail[-3]])
    make_project(area=reference_data.north, sector=reference_data.ev)
    make_project(area=reference_data.south, sector=reference_data.food)
    assert AuditEntry.objects.filter(pk=trail[-1]).exists()
    assert verify()[0] == 0
    code, output = verify("--checkpoint", str(checkpoint_file))
    assert code == 1
    assert f"entry #{trail[-1]} is not the entry recorded by the checkpoint" in output


def test_it_catches_an_entry_appended_with_a_recomputed_plain_hash(trail, raw_db):
    last = AuditEntry.objects.get(pk=trail[-1])
    forged = forged_entry_after(last, audit.plain_hash)
    AuditEntry.objects.bulk_create([forged])
    forged_id = AuditEntry.objects.get(hash=forged.hash).pk
    move_head(raw_db, forged_id)
    code, output = verify()
    assert code == 1
    assert f"entry #{forged_id} was altered" in output


def test_it_catches_a_rewrite_with_every_later_hash_recomputed(trail, raw_db):
    raw_db.execute("UPDATE core_auditentry SET actor_name = %s WHERE id = %s", ["someone else", trail[1]])
    rechain(raw_db, trail[1])
    code, output = verify()
    assert code == 1
    assert f"entry #{trail[1]} was altered" in output


def test_it_catches_a_rewrite_hashed_with_a_made_up_key(trail, raw_db, settings):
    settings.AUDIT_KEY = ATTACKER_KEY
    forged_hash = audit.compute_hash  # keyed, but with the attacker's key
    raw_db.execute("UPDATE core_auditentry SET actor_name = %s WHERE id = %s", ["someone else", trail[1]])
    rechain(raw_db, trail[1], hash_of=forged_hash)
    settings.AUDIT_KEY = settings.AUDIT_KEY_DEVELOPMENT
    code, output = verify()
    assert code == 1
    assert f"entry #{trail[1]} was altered" in output


def test_a_rewrite_with_the_stolen_key_is_caught_by_an_earlier_checkpoint(trail, checkpoint_file, raw_db):
    """Whoever holds the key can recompute every hash; a checkpoint printed before still tells."""
    raw_db.execute("UPDATE core_auditentry SET actor_name = %s WHERE id = %s", ["someone else", trail[1]])
    rechain(raw_db, trail[1], hash_of=audit.compute_hash)
    assert verify()[0] == 0
    code, output = verify("--checkpoint", str(checkpoint_file))
    assert code == 1
    assert f"entry #{trail[-1]} is not the entry recorded by the checkpoint" in output


def test_it_refuses_an_altered_checkpoint(trail, checkpoint_file, raw_db):
    # The attacker cuts the tail, then edits the kept checkpoint to match.
    raw_db.execute("DELETE FROM core_auditentry WHERE id = %s", [trail[-1]])
    move_head(raw_db, trail[-2])
    text = checkpoint_file.read_text()
    cut = checkpoints.parse(text)
    forged = text.replace(f'"entries": {cut.entries}', f'"entries": {cut.entries - 1}').replace(
        f'"last_id": {cut.last_id}', f'"last_id": {trail[-2]}'
    )
    checkpoint_file.write_text(forged)
    code, output = verify("--checkpoint", str(checkpoint_file))
    assert code == 1
    assert "the checkpoint's signature does not hold" in output


def test_the_line_printed_in_the_report_verifies_like_the_file(trail, tmp_path, raw_db):
    pasted = tmp_path / "from-the-report.txt"
    pasted.write_text("Audit trail: " + checkpoints.issue().as_line() + "\n")
    assert verify("--checkpoint", str(pasted))[0] == 0
    raw_db.execute("DELETE FROM core_auditentry WHERE id = %s", [trail[-1]])
    move_head(raw_db, trail[-2])
    assert verify("--checkpoint", str(pasted))[0] == 1


def test_a_checkpoint_is_not_issued_over_a_forged_last_entry(trail):
    last = AuditEntry.objects.get(pk=trail[-1])
    forged = forged_entry_after(last, audit.plain_hash)
    AuditEntry.objects.bulk_create([forged])
    with pytest.raises(checkpoints.CheckpointError, match="does not carry a valid hash"):
        checkpoints.issue()


def test_a_file_that_is_not_a_checkpoint_is_named(trail, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "notes.txt"
    path.write_text("nothing to see\n")
    with pytest.raises(CommandError, match="no audit checkpoint found"):
        verify("--checkpoint", str(path))
