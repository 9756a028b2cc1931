"""Every upload is read and checked by the worker, within the time limit; the request only stores it."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from investledger.intake import progress
from investledger.intake.models import ImportBatch
from investledger.intake.tests import bombs
from investledger.intake.tests.helpers import CHINESE_HEADER, signing_rows, write_xlsx

pytestmark = pytest.mark.django_db

QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_queue() -> list[str]:
    """What the worker does: run every queued task, in order; the names of the tasks run."""
    ran = []
    while result := DBTaskResult.objects.filter(status="READY").order_by("enqueued_at").first():
        DBTaskResult.objects.filter(pk=result.pk).update(status="RUNNING")
        result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        DBTaskResult.objects.filter(pk=result.pk).update(status="SUCCESSFUL")
        ran.append(result.task_path.rsplit(".", 1)[-1])
    return ran


@pytest.fixture
def sheet(tmp_path):
    return write_xlsx(tmp_path / "五行.xlsx", [CHINESE_HEADER, *signing_rows(5)], title="签约项目清单")


def upload(client, path, **data):
    with open(path, "rb") as fh:
        return client.post(reverse("intake:index"), {"file": fh, "kind": "signings", **data})


@override_settings(TASKS=QUEUED)
def test_the_upload_request_only_stores_the_file_and_the_worker_reads_and_checks_it(
    client, personas, reference_data, sheet
):
    client.force_login(personas.officer_north)
    response = upload(client, sheet, event=reference_data.event.pk)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("intake:batch_detail", args=[batch.pk])
    # Nothing of the sheet was read in the request: no header, no rows counted, the reading queued.
    assert batch.status == ImportBatch.Status.READING and batch.headers == [] and batch.rows_total == 0
    assert batch.task_id == str(DBTaskResult.objects.get(status="READY").pk)
    page = client.get(response.url).content.decode()
    assert "Reading the file…" in page and 'hx-trigger="every 1s"' in page
    # The mapping page waits for the reading.
    assert client.get(reverse("intake:batch_mapping", args=[batch.pk])).url == response.url

    assert run_queue() == ["read_batch"]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.MAPPING and batch.rows_total == 5 and batch.header_row == 2
    polled = client.get(reverse("intake:batch_progress", args=[batch.pk]), headers={"HX-Request": "true"})
    assert polled["HX-Redirect"] == reverse("intake:batch_mapping", args=[batch.pk])

    form = {f"col_{i}": field for i, field in batch.mapping.items()}
    client.post(reverse("intake:batch_mapping", args=[batch.pk]), form)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALIDATING and batch.rows_validated == 0
    assert "Checking rows…" in client.get(reverse("intake:batch_detail", args=[batch.pk])).content.decode()

    assert run_queue() == ["validate_batch"]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.VALIDATED and batch.rows_validated == 5
    polled = client.get(reverse("intake:batch_progress", args=[batch.pk]), headers={"HX-Request": "true"})
    assert polled["HX-Refresh"] == "true"
    assert "Commit 5 rows to the ledger" in client.get(reverse("intake:batch_detail", args=[batch.pk])).content.decode()


@override_settings(TASKS=QUEUED)
def test_the_progress_shows_the_rows_read_and_checked_so_far(client, personas, reference_data, sheet):
    client.force_login(personas.officer_north)
    upload(client, sheet, event=reference_data.event.pk)
    run_queue()
    batch = ImportBatch.objects.get()
    client.post(reverse("intake:batch_mapping", args=[batch.pk]), {f"col_{i}": f for i, f in batch.mapping.items()})
    progress.write(batch.pk, phase="validating", read=4, validated=2)
    fragment = " ".join(client.get(reverse("intake:batch_progress", args=[batch.pk])).content.decode().split())
    assert "Checking rows… 4 of 5 rows read, 2 checked (80%)" in fragment
    chinese = client.get(reverse("intake:batch_progress", args=[batch.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    fragment = " ".join(chinese.content.decode().split())
    assert "正在检查各行…已读取 4 / 5 行，已检查 2 行（80%）" in fragment


def test_a_sheet_that_cannot_be_read_fails_its_batch_with_the_reason_on_its_page(client, personas, tmp_path):
    path = write_xlsx(tmp_path / "empty.xlsx", [["说明"], ["本表无数据"]])
    client.force_login(personas.officer_north)
    response = upload(client, path)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED and batch.message
    page = client.get(response.url).content.decode()
    assert batch.message in page.replace("&quot;", '"') and "Run this import again" in page


@override_settings(INTAKE_READ_SECONDS=0)
def test_reading_and_checking_in_the_worker_stop_at_the_time_limit_naming_it(client, personas, tmp_path):
    path = bombs.sheet_bomb(tmp_path / "slow.xlsx", inflated_mb=1)
    client.force_login(personas.officer_north)
    upload(client, path)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.message.startswith(
        "Reading and checking the file took more than 0 seconds, the limit (INTAKE_READ_SECONDS)"
    )


def test_checking_in_the_worker_stops_at_the_time_limit(client, personas, reference_data, tmp_path, settings):
    path = write_xlsx(tmp_path / "long.xlsx", [CHINESE_HEADER, *signing_rows(2100)])
    client.force_login(personas.officer_north)
    upload(client, path, event=reference_data.event.pk)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.MAPPING
    settings.INTAKE_READ_SECONDS = 0
    client.post(reverse("intake:batch_mapping", args=[batch.pk]), {f"col_{i}": f for i, f in batch.mapping.items()})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and batch.rows.count() == 0
    assert "took more than 0 seconds, the limit (INTAKE_READ_SECONDS)" in batch.message


@override_settings(TASKS=QUEUED)
def test_the_api_stores_the_file_and_the_worker_reads_maps_and_checks_it(personas, reference_data, sheet):
    api = APIClient()
    api.force_authenticate(personas.officer_north)
    with open(sheet, "rb") as fh:
        response = api.post("/api/imports/", {"file": fh, "event": reference_data.event.pk}, format="multipart")
    assert response.status_code == 201 and response.json()["status"] == "reading"
    assert run_queue() == ["read_batch"]
    body = api.get(f"/api/imports/{response.json()['id']}/").json()
    assert body["status"] == "validated" and body["rows_validated"] == 5


def test_the_api_fails_a_batch_whose_mapping_misses_a_required_field(personas, reference_data, sheet):
    api = APIClient()
    api.force_authenticate(personas.officer_north)
    with open(sheet, "rb") as fh:
        response = api.post(
            "/api/imports/",
            {"file": fh, "mapping": '{"0": "name"}', "event": reference_data.event.pk},
            format="multipart",
        )
    body = api.get(f"/api/imports/{response.json()['id']}/").json()
    assert body["status"] == "failed" and body["message"].startswith("Map a column to each required field")
    assert body["headers"][0] == "项目名称"
