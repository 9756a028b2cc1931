"""The audit key: entries written before it keep verifying up to a recorded boundary, and keys rotate.

Tampering with the trail itself is in test_audit_tampering.py.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

from investledger.core import audit, audit_keys, checkpoints
from investledger.core.models import AuditEntry
from investledger.core.models_chain import AuditChainHead
from investledger.core.tests.test_audit_tampering import move_head, rechain
from investledger.testing import forged_entry_after, make_project

pytestmark = pytest.mark.django_db

OLD_KEY = "the key this installation used until its rotation, 48+ chars"
NEW_KEY = "the key this installation uses since its rotation, 48+ chars"


@pytest.fixture
def plain_trail(reference_data, raw_db):
    """A trail as an installation had it before the audit key: every entry with a plain SHA-256."""
    make_project(area=reference_data.north, sector=reference_data.ev)
    make_project(area=reference_data.south, sector=reference_data.food)
    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    rechain(raw_db, ids[0])
    assert not audit.verify_chain().ok  # as plain entries, they do not pass the keyed rule...
    return ids


def anchor(**models):
    with transaction.atomic():
        return audit.anchor_plain_entries(**models)


def test_entries_written_before_the_key_verify_up_to_the_recorded_boundary(plain_trail, reference_data):
    assert anchor() == plain_trail[-1]
    head = AuditChainHead.objects.get()
    anchor_entry = AuditEntry.objects.get(pk=head.last_id)
    assert anchor_entry.snapshot == {
        "plain_until": plain_trail[-1],
        "plain_last_hash": AuditEntry.objects.get(pk=plain_trail[-1]).hash,
        "key": audit_keys.current().id,
    }
    assert anchor_entry.hash == audit.compute_hash(anchor_entry)
    make_project(area=reference_data.north, sector=reference_data.ev)
    result = audit.verify_chain()  # ...but do under the old rule up to the boundary
    assert result.ok, result.problem
    assert result.checked == AuditEntry.objects.count()
    assert anchor() is None  # done once


def test_migration_0007_anchors_with_its_historical_models(plain_trail):
    state = MigrationLoader(connection).project_state(("core", "0007_audit_key"))
    assert (
        anchor(
            entry_model=state.apps.get_model("core", "AuditEntry"),
            head_model=state.apps.get_model("core", "AuditChainHead"),
            content_type_model=state.apps.get_model("contenttypes", "ContentType"),
        )
        == plain_trail[-1]
    )
    assert audit.verify_chain().ok


def test_moving_the_boundary_over_keyed_entries_rewritten_plain_is_caught(plain_trail, reference_data, raw_db):
    anchor()
    make_project(area=reference_data.north, sector=reference_data.ev)
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True)[0]
    # Everything after the old boundary is rewritten with plain hashes and the boundary moved to the end.
    rechain(raw_db, plain_trail[-1] + 1)
    raw_db.execute("UPDATE core_auditchainhead SET plain_until = %s", [last])
    result = audit.verify_chain()
    assert not result.ok
    assert "no keyed entry follows the entries written before the audit key" in result.problem


def test_moving_the_boundary_onto_a_keyed_entry_is_caught(plain_trail, reference_data, raw_db):
    anchor()
    make_project(area=reference_data.north, sector=reference_data.ev)
    anchor_id = AuditChainHead.objects.get().plain_until + 1
    raw_db.execute("UPDATE core_auditchainhead SET plain_until = %s", [anchor_id])
    result = audit.verify_chain()
    assert (result.ok, result.entry_id) == (False, anchor_id)  # keyed, so it fails the plain rule


def test_rewriting_an_entry_before_the_key_with_recomputed_plain_hashes_is_caught(plain_trail, raw_db):
    anchor()
    anchor_id = AuditChainHead.objects.get().last_id
    raw_db.execute("UPDATE core_auditentry SET actor_name = %s WHERE id = %s", ["someone else", plain_trail[1]])
    rechain(raw_db, plain_trail[1])  # the forger recomputes every plain hash, the anchor's too
    result = audit.verify_chain()
    assert (result.ok, result.entry_id) == (False, anchor_id)


def test_entries_signed_before_a_rotation_verify_with_the_retired_key_listed(reference_data, settings, tmp_path):
    settings.AUDIT_KEY = OLD_KEY
    make_project(area=reference_data.north, sector=reference_data.ev)
    old_checkpoint = checkpoints.issue()
    settings.AUDIT_KEY, settings.AUDIT_OLD_KEYS = NEW_KEY, [OLD_KEY]
    make_project(area=reference_data.south, sector=reference_data.food)
    assert audit.verify_chain().ok
    assert checkpoints.verify_against(old_checkpoint).ok
    assert checkpoints.issue().key == audit_keys.current().id != old_checkpoint.key

    settings.AUDIT_OLD_KEYS = []  # the retired key dropped too early
    first = AuditEntry.objects.order_by("id").values_list("id", flat=True)[0]
    assert (audit.verify_chain().ok, audit.verify_chain().entry_id) == (False, first)
    result = checkpoints.verify_against(old_checkpoint)
    assert not result.ok and "which is not configured" in result.problem


def test_an_entry_signed_with_a_retired_key_after_the_rotation_is_caught(reference_data, settings, raw_db):
    settings.AUDIT_KEY = OLD_KEY
    make_project(area=reference_data.north, sector=reference_data.ev)
    settings.AUDIT_KEY, settings.AUDIT_OLD_KEYS = NEW_KEY, [OLD_KEY]
    make_project(area=reference_data.south, sector=reference_data.food)
    # Whoever kept the retired key appends an entry signed with it.
    last = AuditEntry.objects.order_by("-id").first()
    forged = forged_entry_after(last, lambda entry: audit.compute_hash(entry, key=audit_keys.keyring()[1]))
    AuditEntry.objects.bulk_create([forged])
    forged_id = AuditEntry.objects.get(hash=forged.hash).pk
    move_head(raw_db, forged_id)
    result = audit.verify_chain()
    assert (result.ok, result.entry_id) == (False, forged_id)


def test_key_ids_are_fingerprints_that_do_not_reveal_the_key(settings):
    settings.AUDIT_KEY = NEW_KEY
    key = audit_keys.current()
    assert len(key.id) == 12 and key.id not in NEW_KEY
    assert audit_keys.by_id(key.id) == key
    assert audit_keys.by_id("000000000000") is None


def test_the_bulk_writers_hasher_is_hmac_sha256_with_the_entry_key(settings):
    import hmac

    settings.AUDIT_KEY = NEW_KEY
    hasher = audit_keys.entry_hasher()
    for text in (b"", b'{"actor":null}', "签约 ✓".encode() * 500):
        assert hasher(text) == hmac.digest(audit_keys.current().entry, text, "sha256").hex()
        assert hasher(text) == audit_keys.entry_hash(text)
