import pytest

from investledger.core.models import AuditEntry
from investledger.intake.models import ImportBatch
from investledger.intake.tests.helpers import CHINESE_HEADER, import_file, signing_rows, write_xlsx
from investledger.projects.models import Project, Signing

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
