"""`investledger extract`: press releases to proposals (JSON lines) or a signing-list CSV, no database."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from investledger.intake.fields import SIGNING_COLUMNS

RELEASE = (
    "On August 22, 2022, the Smart China Expo 2022 Key Projects Signing Ceremony was held online in Chongqing. "
    "A total of 70 projects were signed with a contract value of RMB 212.1 billion. "
    "Kingdee Software Co., Ltd. signed an agreement to invest RMB 3.5 billion in software."
)


@pytest.fixture
def release(tmp_path):
    path = tmp_path / "sce2022.txt"
    path.write_text(RELEASE, encoding="utf-8")
    return path


def test_it_prints_one_proposal_a_line_without_touching_the_database(release):
    # No django_db mark: pytest-django makes any database access in this test an error.
    out = io.StringIO()
    call_command("extract", str(release), str(release), stdout=out)
    first, again = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["id"] == "sce2022"
    assert [(d["investor"], d["amount"]["value"]) for d in first["deals"]] == [("Kingdee Software Co., Ltd.", 3.5e9)]
    assert first["event"]["date"]["value"] == "2022-08-22"
    assert again["content_sha256"] == first["content_sha256"]
    assert again["messages"][0]["code"] == "duplicate"


def test_its_signing_csv_has_the_signing_templates_columns_and_reads_amounts_in_yi(release):
    out = io.StringIO()
    call_command("extract", str(release), "--format", "signings-csv", stdout=out)
    header, *rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert header == [c.header for c in SIGNING_COLUMNS]
    [row] = rows
    cells = dict(zip([c.name for c in SIGNING_COLUMNS], row, strict=True))
    assert cells["investor"] == "Kingdee Software Co., Ltd."
    assert (cells["contract_value"], cells["currency"], cells["signed_on"]) == ("35", "CNY", "2022-08-22")
    assert cells["agreement_type"] == "投资合同"


def test_its_csv_neutralises_a_formula_in_an_investor_name(tmp_path):
    path = tmp_path / "evil.txt"
    path.write_text('"=HYPERLINK(1)" Holdings Ltd. signed an agreement to invest RMB 2 billion.', encoding="utf-8")
    out = io.StringIO()
    call_command("extract", str(path), "--format", "signings-csv", stdout=out)
    for row in list(csv.reader(io.StringIO(out.getvalue())))[1:]:
        assert not any(cell.startswith(("=", "+", "@")) for cell in row)


def test_a_missing_or_empty_file_is_named_with_what_is_wrong_and_the_others_are_still_read(tmp_path, release, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("extract", str(tmp_path / "missing.txt"), str(empty), str(release), stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [p["messages"][0]["code"] if p["messages"] else None for p in lines] == ["unreadable", "empty", None]
    err = capsys.readouterr().err
    assert "missing.txt: The file could not be opened" in err and "empty.txt: The document is empty." in err
