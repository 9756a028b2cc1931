"""The preview keeps every checked row in chunks; flagged rows are also kept one by one."""

import pytest
from django.urls import reverse

from investledger.intake import preview, services
from investledger.intake.models import ImportChunk, ImportRow
from investledger.intake.tests.helpers import CHINESE_HEADER, import_file, signing_rows, write_xlsx
from investledger.ledger.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(services, "CHUNK", 4)


def _sheet(tmp_path, rows, name="list.xlsx"):
    return write_xlsx(tmp_path / name, [CHINESE_HEADER, *rows])


def test_it_keeps_clean_rows_in_chunks_and_not_row_by_row(tmp_path, personas, reference_data, small_chunks):
    batch = import_file(
        _sheet(tmp_path, signing_rows(10)), personas.officer_north, event=reference_data.event, commit=False
    )
    assert batch.rows_validated == 10
    assert list(batch.chunks.values_list("offset", "size", "first_number", "last_number")) == [
        (0, 4, 2, 5),
        (4, 4, 6, 9),
        (8, 2, 10, 11),
    ]
    assert not ImportRow.objects.filter(batch=batch).exists()
    assert [row.number for row in preview.BatchRows(batch)] == list(range(2, 12))


def test_slices_across_chunks_read_the_same_rows_as_iterating(tmp_path, personas, reference_data, small_chunks):
    batch = import_file(
        _sheet(tmp_path, signing_rows(10)), personas.officer_north, event=reference_data.event, commit=False
    )
    rows = preview.BatchRows(batch)
    every = [row.number for row in rows]
    assert len(rows) == 10
    for start in range(0, 11):
        for stop in range(start, 12):
            assert [row.number for row in rows[start:stop]] == every[start:stop]
    assert rows[-1].number == 11
    assert rows.get(7).values["name"] == signing_rows(10)[5][0]
    with pytest.raises(LookupError):
        rows.get(99)


def test_a_flagged_row_keeps_every_cell_by_header_and_reads_from_its_import_row(
    tmp_path, personas, reference_data, small_chunks
):
    rows = [row + ["kept"] for row in signing_rows(5)]
    rows[2][4] = "lots"  # not a number
    batch = import_file(
        write_xlsx(tmp_path / "extra.xlsx", [[*CHINESE_HEADER, "备注"], *rows]),
        personas.officer_north,
        event=reference_data.event,
        commit=False,
    )
    assert batch.error_count == 1
    flagged = ImportRow.objects.get(batch=batch)
    assert flagged.number == 4
    assert flagged.raw["备注"] == "kept" and flagged.raw["签约额（亿元）"] == "lots"
    read = preview.BatchRows(batch).get(4)
    assert isinstance(read, ImportRow) and read.errors == flagged.errors
    clean = preview.BatchRows(batch).get(3)
    assert isinstance(clean, preview.PreviewRow) and not clean.errors and clean.raw == {}


def test_after_the_commit_every_row_points_to_its_project(tmp_path, personas, reference_data, small_chunks):
    batch = import_file(_sheet(tmp_path, signing_rows(6)), personas.officer_north, event=reference_data.event)
    assert batch.status == batch.Status.COMMITTED, batch.message
    rows = list(preview.BatchRows(batch))
    assert [row.outcome for row in rows] == [ImportRow.Outcome.NEW] * 6
    assert {row.project.name for row in rows} == set(Project.objects.values_list("name", flat=True))
    assert all(row.project.pk == row.project_id for row in rows)
    assert ImportChunk.objects.filter(batch=batch, results__isnull=True).count() == 0


def test_the_preview_page_and_the_api_page_through_rows_of_every_chunk(
    client, tmp_path, personas, reference_data, small_chunks, settings
):
    batch = import_file(
        _sheet(tmp_path, signing_rows(130)), personas.officer_north, event=reference_data.event, commit=False
    )
    client.force_login(personas.officer_north)
    page_two = client.get(reverse("intake:batch_detail", args=[batch.pk]), {"page": 2})
    assert page_two.status_code == 200
    numbers = [row.number for row in page_two.context["page"].object_list]
    assert numbers == list(range(102, 132))
    assert page_two.context["page"].paginator.num_pages == 2
    api = client.get(f"/api/imports/{batch.pk}/rows/", {"page": 2})  # 50 rows a page
    assert api.status_code == 200, api.content
    body = api.json()
    assert body["count"] == 130
    assert [row["number"] for row in body["results"]] == list(range(52, 102))
    assert body["results"][0]["values"]["name"] == "测试项目51" and body["results"][0]["outcome"] == "new"


def test_a_new_check_replaces_the_chunks_of_the_last_one(tmp_path, personas, reference_data, small_chunks):
    batch = import_file(
        _sheet(tmp_path, signing_rows(6)), personas.officer_north, event=reference_data.event, commit=False
    )
    first = set(batch.chunks.values_list("pk", flat=True))
    batch = services.batch_validate(batch)
    assert batch.rows_validated == 6
    assert not first & set(batch.chunks.values_list("pk", flat=True))
    assert batch.chunks.count() == 2


def test_a_number_too_large_for_64_bits_is_kept_exactly(tmp_path, personas, reference_data):
    header = [*CHINESE_HEADER, "带动就业"]
    rows = [row + [123] for row in signing_rows(2)]
    rows[1][6] = "123456789012345678901234567890"
    batch = import_file(
        write_xlsx(tmp_path / "jobs.xlsx", [header, *rows]),
        personas.officer_north,
        event=reference_data.event,
        commit=False,
    )
    assert batch.error_count == 1
    assert preview.BatchRows(batch).get(3).values["planned_jobs"] == 123456789012345678901234567890
    assert preview.BatchRows(batch).get(2).values["planned_jobs"] == 123
