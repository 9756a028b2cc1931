"""investledger import FILE: checks, prints problems by row and column, commits all or nothing."""

import io

import pytest
from django.core.management import CommandError, call_command

from investledger.core.models import AuditEntry
from investledger.intake.tests.helpers import CHINESE_HEADER, signing_rows, write_xlsx
from investledger.ledger.projects.models import Project

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_checks_without_writing_unless_told_to_commit(tmp_path, personas, reference_data):
    path = write_xlsx(tmp_path / "list.xlsx", [CHINESE_HEADER, *signing_rows(3)], title="签约项目清单")
    out, err = run(str(path), "--kind", "signings", "--event", "测试签约会", "--user", "officer_north")
    assert "header in row 2" in out and "3 new" in out and "nothing written" in out
    assert "validating [" in err
    assert not Project.objects.exists()
    out, err = run(
        str(path), "--event", "Test signing ceremony", "--user", "officer_north", "--commit", "--source", "北区"
    )
    assert "committed import" in out and "3 new projects" in out
    assert "committing [" in err
    assert Project.objects.count() == 3
    assert AuditEntry.objects.filter(source__startswith="import:", message__contains="list.xlsx row 4").count() == 2


def test_it_prints_errors_by_row_and_column_and_writes_nothing(tmp_path, personas, reference_data):
    rows = [CHINESE_HEADER, *signing_rows(2), ["坏项目", "坏企业", "火星区", "生物医药", 1, "2022-08-22"]]
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    with pytest.raises(CommandError, match="errors"):
        run(str(path), "--event", "测试签约会", "--user", "officer_north", "--commit")
    assert not Project.objects.exists()
    out, _err = run(str(path), "--event", "测试签约会", "--user", "officer_north")
    assert "error: row 4, column 所在区域: unknown area 火星区" in out


def test_it_refuses_an_unreadable_file_with_the_reason(tmp_path, personas):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(CommandError, match="password-protected"):
        run(str(path), "--user", "admin")


def test_a_column_mapping_can_be_fixed_on_the_command_line(tmp_path, personas, reference_data):
    rows = [["名称", "企业", "地方", "产业", "钱（亿元）"], ["命令行项目", "命令行企业", "北区", "生物医药", 2]]
    path = write_xlsx(tmp_path / "odd.xlsx", rows)
    args = [str(path), "--event", "测试签约会", "--user", "officer_north", "--commit"]
    with pytest.raises(CommandError, match="required field"):
        run(*args, "--map", "名称=name")
    run(
        *args,
        "--map",
        "地方=host_area",
        "--map",
        "钱（亿元）=contract_value",
        "--map",
        "企业=investor",
        "--map",
        "名称=name",
    )
    assert Project.objects.get().contract_value_cny == 200000000


def test_it_reads_in_its_own_process_within_the_time_limit_of_the_worker(tmp_path, personas, reference_data, settings):
    from investledger.intake.models import ImportBatch
    from investledger.intake.tests import bombs

    settings.INTAKE_READ_SECONDS = 0
    with pytest.raises(CommandError, match=r"took more than 0 seconds, the limit \(INTAKE_READ_SECONDS\)"):
        run(str(bombs.sheet_bomb(tmp_path / "slow.xlsx", inflated_mb=1)), "--user", "officer_north")
    assert not ImportBatch.objects.exists()
