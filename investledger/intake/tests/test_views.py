"""The import pages, the template and the ledger export, tried with every persona that matters."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils.timezone import localtime

from investledger.intake import preview
from investledger.intake.models import ImportBatch
from investledger.intake.tests.helpers import CHINESE_HEADER, import_file, signing_rows, write_xlsx
from investledger.ledger.projects.models import Project, Signing
from investledger.testing import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def north_batch(tmp_path, personas, reference_data):
    path = write_xlsx(tmp_path / "north.xlsx", [CHINESE_HEADER, *signing_rows(3)])
    return import_file(path, personas.officer_north, event=reference_data.event, commit=False)


def test_the_page_lists_only_batches_of_the_users_areas(client, personas, north_batch):
    client.force_login(personas.officer_south)
    response = client.get(reverse("intake:index"))
    assert response.status_code == 200
    assert "north.xlsx" not in response.content.decode()
    client.force_login(personas.officer_park)
    assert "north.xlsx" not in client.get(reverse("intake:index")).content.decode()
    for user in (personas.officer_north, personas.admin, personas.leader):
        client.force_login(user)
        assert "north.xlsx" in client.get(reverse("intake:index")).content.decode()


def test_a_user_without_a_role_is_refused(client, personas):
    client.force_login(personas.stranger)
    assert client.get(reverse("intake:index")).status_code == 403


def test_a_leader_sees_no_upload_form_and_cannot_upload(client, personas, tmp_path):
    client.force_login(personas.leader)
    assert 'id="upload-form"' not in client.get(reverse("intake:index")).content.decode()
    path = write_xlsx(tmp_path / "x.xlsx", [CHINESE_HEADER, *signing_rows(1)])
    with open(path, "rb") as fh:
        assert client.post(reverse("intake:index"), {"file": fh, "kind": "signings"}).status_code == 403


def test_upload_map_check_and_commit_through_the_pages(client, personas, reference_data, tmp_path):
    path = write_xlsx(tmp_path / "清单.xlsx", [CHINESE_HEADER, *signing_rows(2)], title="签约项目清单")
    client.force_login(personas.officer_north)
    with open(path, "rb") as fh:
        response = client.post(
            reverse("intake:index"),
            {"file": fh, "kind": "signings", "source": "北区", "event": reference_data.event.pk},
        )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("intake:batch_mapping", args=[batch.pk])
    page = client.get(response.url).content.decode()
    assert "签约额（亿元）" in page and "测试项目1" in page
    form = {f"col_{i}": field for i, field in batch.mapping.items()} | {"remember": "on"}
    response = client.post(reverse("intake:batch_mapping", args=[batch.pk]), form)
    assert response.status_code == 302
    page = client.get(reverse("intake:batch_detail", args=[batch.pk])).content.decode()
    assert "Commit 2 rows to the ledger" in page
    response = client.post(reverse("intake:batch_commit", args=[batch.pk]))
    assert response.status_code == 302
    assert Project.objects.count() == 2
    page = client.get(reverse("intake:batch_detail", args=[batch.pk])).content.decode()
    assert "Committed" in page
    batch.refresh_from_db()
    assert f"committed by {personas.officer_north} {localtime(batch.committed_at):%Y-%m-%d %H:%M}" in " ".join(
        page.split()
    )


def test_an_unusable_file_is_refused_on_the_form_with_its_reason(client, personas, tmp_path):
    client.force_login(personas.officer_north)
    response = client.post(
        reverse("intake:index"),
        {"file": io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), "kind": "signings"},
    )
    assert response.status_code == 400
    assert "password-protected" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_mapping_missing_a_required_field_is_refused(client, personas, north_batch):
    client.force_login(personas.officer_north)
    north_batch.status = ImportBatch.Status.MAPPING
    north_batch.save()
    response = client.post(reverse("intake:batch_mapping", args=[north_batch.pk]), {"col_0": "name"})
    assert response.status_code == 400
    assert "Map a column to each required field" in response.content.decode()


def test_batches_of_other_areas_are_not_found(client, personas, north_batch):
    client.force_login(personas.officer_south)
    for name in ("intake:batch_detail", "intake:batch_mapping", "intake:batch_progress"):
        assert client.get(reverse(name, args=[north_batch.pk])).status_code == 404
    for name in ("intake:batch_commit", "intake:batch_resolve"):
        assert client.post(reverse(name, args=[north_batch.pk])).status_code == 404
    assert not Project.objects.exists()


def test_a_leader_may_look_at_a_batch_but_not_commit_it(client, personas, north_batch):
    client.force_login(personas.leader)
    assert client.get(reverse("intake:batch_detail", args=[north_batch.pk])).status_code == 200
    assert client.post(reverse("intake:batch_commit", args=[north_batch.pk])).status_code == 403
    assert client.post(reverse("intake:batch_mapping", args=[north_batch.pk]), {}).status_code == 403
    assert not Project.objects.exists()


def test_the_progress_fragment_shows_rows_done(client, personas, north_batch):
    ImportBatch.objects.filter(pk=north_batch.pk).update(status=ImportBatch.Status.VALIDATING, rows_read=1)
    client.force_login(personas.officer_north)
    page = client.get(reverse("intake:batch_progress", args=[north_batch.pk])).content.decode()
    assert "<progress" in page and 'hx-trigger="every 1s"' in page
    ImportBatch.objects.filter(pk=north_batch.pk).update(status=ImportBatch.Status.VALIDATED)
    response = client.get(reverse("intake:batch_progress", args=[north_batch.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"


def test_the_template_has_bilingual_headers_notes_and_drop_downs_from_reference_data(client, personas, reference_data):
    client.force_login(personas.officer_north)
    response = client.get(reverse("intake:template", args=["signings"]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert "项目名称 / Project name" in headers and "签约额（亿元）/ Contract investment (100 million CNY)" in headers
    assert sheet.cell(1, headers.index("项目名称 / Project name") + 1).comment is not None
    lists = workbook["lists"]
    assert lists.sheet_state == "hidden"
    values = {c.value for row in lists.iter_rows() for c in row}
    assert {"北区", "南区", "生物医药", "开工"} <= values
    validated = {str(dv.sqref).split(":")[0] for dv in sheet.data_validations.dataValidation}
    assert {"D2", "E2", "M2"} <= validated  # area, sector, stage


def test_export_then_import_changes_nothing(client, personas, reference_data, tmp_path):
    for i in range(3):
        make_project(
            area=reference_data.north,
            sector=reference_data.bio,
            name=f"导出项目{i}",
            value=f"{i + 1}23456789.12",
            event=reference_data.event,
        )
    make_project(area=reference_data.south, sector=reference_data.bio, name="南区项目", event=reference_data.event)
    client.force_login(personas.officer_north)
    response = client.get(reverse("intake:export_ledger"), {"area": reference_data.north.pk})
    assert response.status_code == 200
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet.max_row == 4  # the header and the three North projects the officer may see
    projects, signings = Project.objects.count(), Signing.objects.count()
    batch = import_file(path, personas.officer_north)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.message
    assert batch.error_count == 0 and batch.warning_count == 0, list(batch.rows.values_list("errors", "warnings"))
    assert {row.outcome for row in preview.BatchRows(batch)} == {"unchanged"}
    assert batch.new_count == 0 and batch.existing_count == 3
    assert (Project.objects.count(), Signing.objects.count()) == (projects, signings)


def test_the_export_follows_the_ledger_filters_and_scope(client, personas, reference_data):
    make_project(area=reference_data.north, sector=reference_data.bio, name="北区生物", event=reference_data.event)
    make_project(area=reference_data.north, sector=reference_data.food, name="北区食品", event=reference_data.event)
    make_project(area=reference_data.south, sector=reference_data.bio, name="南区生物", event=reference_data.event)
    client.force_login(personas.officer_north)
    response = client.get(reverse("intake:export_ledger"), {"sector": reference_data.bio.pk})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["北区生物"]


def test_the_unfiltered_export_holds_every_visible_project(client, personas, reference_data):
    make_project(area=reference_data.north, sector=reference_data.bio, name="北区生物", event=reference_data.event)
    make_project(
        area=reference_data.north_park, sector=reference_data.food, name="园区食品", event=reference_data.event
    )
    make_project(area=reference_data.south, sector=reference_data.bio, name="南区生物", event=reference_data.event)
    client.force_login(personas.officer_north)
    response = client.get(reverse("intake:export_ledger"))  # the ledger page's button with no filter chosen
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert sorted(r[1] for r in sheet.iter_rows(min_row=2, values_only=True)) == ["北区生物", "园区食品"]


def test_the_export_refuses_filters_it_cannot_read(client, personas, reference_data):
    client.force_login(personas.officer_north)
    response = client.get(reverse("intake:export_ledger"), {"signed_from": "not a date"})
    assert response.status_code == 400
    assert "signed_from" in response.json()["errors"]


def test_an_upload_of_a_kind_no_sheet_has_is_refused_on_the_form(client, tmp_path, personas):
    client.force_login(personas.officer_north)
    path = write_xlsx(tmp_path / "a.xlsx", [CHINESE_HEADER, *signing_rows(2)])
    with open(path, "rb") as fh:
        response = client.post(reverse("intake:index"), {"file": fh, "kind": "press", "source": ""})
    assert response.status_code == 400
    assert "kind" in response.context["form"].errors
    assert not ImportBatch.objects.exists()


def test_the_upload_forms_choices_are_styled_as_every_forms(client, personas):
    client.force_login(personas.officer_north)
    html = client.get(reverse("intake:index")).content.decode()
    for name in ("kind", "event"):
        tag = re.search(rf'<select name="{name}"[^>]*>', html)
        assert tag and 'class="form-select"' in tag.group(0), name
