"""An import writes projects, signings and investors as plain rows: their audit entries must still be
exactly what the services record for an object saved one at a time."""

import pytest

from investledger.core import audit
from investledger.core.models import AuditEntry
from investledger.intake import preview
from investledger.intake.tests.helpers import CHINESE_HEADER, import_file, signing_rows, write_xlsx
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects.models import Project, Signing

pytestmark = pytest.mark.django_db(transaction=False)


def _imported(tmp_path, personas, reference_data, rows, name="list.xlsx"):
    path = write_xlsx(tmp_path / name, [CHINESE_HEADER, *rows])
    batch = import_file(path, personas.officer_north, event=reference_data.event, decide="new")
    assert batch.status == batch.Status.COMMITTED, batch.message
    return batch


def test_each_entry_snapshot_equals_the_snapshot_of_the_saved_object(tmp_path, personas, reference_data):
    rows = signing_rows(3)
    rows[0] += [None]
    rows[1][4] = "约3.456亿元"  # approximate, more places than the unit keeps
    batch = _imported(tmp_path, personas, reference_data, rows)
    objects = [*Project.objects.all(), *Signing.objects.all(), *Investor.objects.filter(name__startswith="测试企业")]
    assert len(objects) == 9
    for obj in objects:
        entry = AuditEntry.objects.get(object_id=str(obj.pk), content_type__model=obj._meta.model_name)
        assert entry.snapshot == audit.snapshot(obj), obj
        assert entry.changes == {}  # as `audit.record` stores a creation: the state is the snapshot
        assert entry.object_repr == str(obj)[:300]
        assert entry.kind == AuditEntry.Kind.CREATE
        assert entry.source == f"import:{batch.pk}"
        assert entry.actor_id == personas.officer_north.pk


def test_every_row_has_its_entry_with_the_row_number(tmp_path, personas, reference_data):
    batch = _imported(tmp_path, personas, reference_data, signing_rows(4))
    for row in preview.BatchRows(batch):
        messages = set(
            AuditEntry.objects.filter(object_id=str(row.project_id), content_type__model="project").values_list(
                "message", flat=True
            )
        )
        assert messages == {f"import {batch.pk} {batch.file_name} row {row.number}"}
        signing = Signing.objects.get(project_id=row.project_id)
        assert AuditEntry.objects.filter(object_id=str(signing.pk), content_type__model="signing").exists()


def test_the_audit_chain_still_verifies_after_an_import_between_other_writes(tmp_path, personas, reference_data):
    from investledger.testing import make_project

    with audit.audit_context(actor=personas.admin, source="test"):
        make_project(area=reference_data.south, sector=reference_data.food, name="写在导入之前")
    _imported(tmp_path, personas, reference_data, signing_rows(5))
    with audit.audit_context(actor=personas.admin, source="test"):
        make_project(area=reference_data.south, sector=reference_data.food, name="写在导入之后")
    result = audit.verify_chain()
    assert result.ok, result.problem
    assert result.checked == AuditEntry.objects.count()


def test_references_continue_the_year_counter(tmp_path, personas, reference_data):
    _imported(tmp_path, personas, reference_data, signing_rows(2))
    _imported(tmp_path, personas, reference_data, signing_rows(2, start=10), "second.xlsx")
    references = sorted(Project.objects.values_list("reference", flat=True))
    year = reference_data.event.date.year
    assert references == [f"P{year}-{n:05d}" for n in range(1, 5)]


def test_entries_with_quotes_backslashes_and_rare_characters_verify(tmp_path, personas, reference_data):
    rows = signing_rows(3)
    rows[0][0] = '名称含"引号"与\\反斜杠'
    rows[1][1] = "企业\u2028分隔 😀 Ünïcode & <tag>"
    rows[2][0] = "不换行\u00a0空格项目"  # a tab is a control character, refused in a name since the form refuses it
    _imported(tmp_path, personas, reference_data, rows)
    for entry in AuditEntry.objects.filter(source__startswith="import:"):
        assert entry.hash == audit.compute_hash(entry), entry.object_repr
    result = audit.verify_chain()
    assert result.ok, result.problem


def test_the_plans_and_first_lights_written_with_an_import_have_the_entries_the_services_record(
    tmp_path, personas, reference_data
):
    from investledger.supervision.models import LightAssessment, Milestone

    batch = _imported(tmp_path, personas, reference_data, signing_rows(3))
    objects = [*Milestone.objects.all(), *LightAssessment.objects.all()]
    assert len(objects) == 3 * 6 + 3
    for obj in objects:
        entry = AuditEntry.objects.get(object_id=str(obj.pk), content_type__model=obj._meta.model_name)
        assert entry.snapshot == audit.snapshot(obj), obj
        assert entry.object_repr == str(obj)[:300]
        assert entry.kind == AuditEntry.Kind.CREATE
        assert entry.source == f"import:{batch.pk}"
    for project in Project.objects.all():
        current = project.light_assessments.get(is_current=True)
        assert (project.light, project.light_on) == (current.light, current.assessed_on)
    assert audit.verify_chain().ok


def test_imported_entries_carry_the_keyed_hash_and_fail_under_another_key(tmp_path, personas, reference_data, settings):
    _imported(tmp_path, personas, reference_data, signing_rows(3))
    entries = list(AuditEntry.objects.filter(source__startswith="import:").order_by("id"))
    assert entries
    for entry in entries:
        assert entry.hash == audit.compute_hash(entry)
        assert entry.hash != audit.plain_hash(entry)  # nobody without the key can recompute it
    settings.AUDIT_KEY = "another installation's audit key, 48 characters long"
    result = audit.verify_chain()
    assert (result.ok, result.entry_id) == (False, AuditEntry.objects.order_by("id").values_list("id", flat=True)[0])
