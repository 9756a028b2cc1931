import pytest
from django.test import Client
from django.urls import reverse

from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.intake import services
from investledger.intake.models import ImportBatch
from investledger.intake.tests.helpers import CHINESE_HEADER, import_file, signing_rows, write_xlsx
from investledger.ledger.projects.models import Project, Signing

pytestmark = pytest.mark.django_db


def test_it_imports_a_chinese_signing_list_with_a_title_row(tmp_path, reference_data, personas):
    path = write_xlsx(tmp_path / "list.xlsx", [CHINESE_HEADER, *signing_rows(3)], title="2022年智博会签约项目清单")
    batch = import_file(path, personas.officer_north, event=reference_data.event)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.message
    assert batch.header_row == 2
    projects = Project.objects.order_by("name")
    assert [p.name for p in projects] == ["测试项目1", "测试项目2", "测试项目3"]
    assert str(projects[0].contract_value_cny) == "110000000.00"
    assert projects[0].first_event == reference_data.event
    assert Signing.objects.count() == 3
    entries = AuditEntry.objects.filter(source=f"import:{batch.pk}")
    assert entries.filter(message=f"import {batch.pk} list.xlsx row 3").count() == 2


def test_a_row_without_an_amount_creates_the_project_with_its_amount_undisclosed(tmp_path, reference_data, personas):
    rows = [CHINESE_HEADER, ["未披露项目", "未披露企业", "北区", "生物医药", None, "2022-08-22"], *signing_rows(1)]
    path = write_xlsx(tmp_path / "list.xlsx", rows)
    batch = import_file(path, personas.officer_north, event=reference_data.event, commit=False)
    assert batch.can_commit, batch.message
    row = batch.rows.get(number=2)
    assert row.errors == []
    assert row.warnings == [
        {"column": "签约额（亿元）", "message": "no amount given: the project is saved with its amount undisclosed"}
    ]
    assert row.values["value_undisclosed"] is True
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(personas.officer_north)
    preview = client.get(reverse("intake:batch_detail", args=[batch.pk])).content.decode()
    assert '<td class="text-end"><span class="text-muted">undisclosed</span></td>' in preview
    with audit_context(actor=personas.officer_north, source="test"):
        batch = services.batch_start_commit(batch=batch, user=personas.officer_north)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED, batch.message
    project = Project.objects.get(name="未披露项目")
    assert project.value_undisclosed and project.contract_value == 0 and project.contract_value_cny == 0
    assert not Project.objects.get(name="测试项目1").value_undisclosed
