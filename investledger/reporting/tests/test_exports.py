"""Open exports: CSV and XLSX of the filtered ledger, OC4IDS validated against the standard's schema."""

import io
import json

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db
OC4IDS_DIR = settings.PROJECT_DIR.parent / "shared" / "standards" / "oc4ids"


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


class TestCsvAndXlsx:
    def test_csv_streams_the_filtered_visible_projects(self, client, ledger, personas, reference_data, today):
        response = get(client, personas.admin, reverse("reporting:export_csv"), sector=reference_data.food.pk)
        assert response.status_code == 200 and response.streaming
        text = body(response).decode("utf-8-sig")
        lines = text.strip().splitlines()
        assert lines[0].startswith("Reference,Project name")
        assert len(lines) == 3
        assert "Park food factory" in text and "South cold chain" in text

    def test_csv_leaves_out_other_districts(self, client, ledger, personas, today):
        text = body(get(client, personas.officer_south, reverse("reporting:export_csv"))).decode("utf-8-sig")
        assert "South cold chain" in text and "North EV plant" not in text

    def test_xlsx_holds_the_same_rows(self, client, ledger, personas, today):
        response = get(client, personas.officer_north, reverse("reporting:export_xlsx"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        wb = load_workbook(io.BytesIO(body(response)), read_only=True)
        rows = list(wb.worksheets[0].iter_rows(values_only=True))
        assert len(rows) == 4
        assert {r[1] for r in rows[1:]} == {"North EV plant", "Park biomedicine base", "Park food factory"}
        assert rows[1][3] in ("北区", "北区园区")  # host area in its official (Chinese) name

    def test_bad_filters_are_named(self, client, ledger, personas, today):
        response = get(client, personas.admin, reverse("reporting:export_csv"), signed_from="not a date")
        assert response.status_code == 400
        assert "signed_from" in response.json()["errors"]

    def test_a_user_without_a_role_is_refused(self, client, ledger, personas, today):
        assert get(client, personas.stranger, reverse("reporting:export_csv")).status_code == 403


def validator():
    if not (OC4IDS_DIR / "project-package-schema.json").exists():
        pytest.skip(f"OC4IDS schema not found at {OC4IDS_DIR}")
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    package = json.loads((OC4IDS_DIR / "project-package-schema.json").read_text())
    project = json.loads((OC4IDS_DIR / "project-schema.json").read_text())
    registry = Registry().with_resource(project["id"], Resource.from_contents(project, default_specification=DRAFT4))
    return Draft4Validator(package, registry=registry), project


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return patch
    target = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = merge_patch(target.get(key), value)
    return target


class TestOc4ids:
    def test_the_package_validates_against_the_standard(self, client, ledger, personas, today):
        response = get(client, personas.admin, reverse("reporting:export_oc4ids"))
        assert response.status_code == 200
        package = json.loads(body(response))
        check, _project_schema = validator()
        errors = sorted(check.iter_errors(package), key=lambda e: list(e.path))
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
        assert len(package["projects"]) == 5

    def test_the_ledger_fields_validate_against_the_extension(self, client, ledger, personas, today):
        from jsonschema import Draft4Validator

        from investledger.reporting.exports import extension_schema

        package = json.loads(body(get(client, personas.admin, reverse("reporting:export_oc4ids"))))
        _check, project_schema = validator()
        extended = merge_patch(project_schema, extension_schema())
        for project in package["projects"]:
            Draft4Validator(extended).validate(project)
            assert project["signingEvent"]["name"]
            assert project["contractValue"]["currency"] == "CNY"

    def test_stages_map_to_the_project_status_codelist(self, client, ledger, personas, today):
        package = json.loads(body(get(client, personas.admin, reverse("reporting:export_oc4ids"))))
        status = {p["title"]: p["status"] for p in package["projects"]}
        assert status == {
            "North EV plant": "implementation",
            "Park biomedicine base": "preparation",
            "Park food factory": "maintenance",
            "South cold chain": "cancelled",
            "South charging network": "preparation",
        }
        n1 = next(p for p in package["projects"] if p["title"] == "North EV plant")
        roles = {party["id"]: party["roles"] for party in n1["parties"]}
        assert roles["area-north"] == ["publicAuthority"]
        assert ["funder"] in roles.values()
        assert n1["budget"]["amount"] == {"amount": 2000000000.0, "currency": "CNY"}

    def test_it_exports_only_the_filtered_visible_projects(self, client, ledger, personas, reference_data, today):
        package = json.loads(
            body(get(client, personas.officer_north, reverse("reporting:export_oc4ids"), sector=reference_data.bio.pk))
        )
        assert [p["title"] for p in package["projects"]] == ["Park biomedicine base"]

    def test_an_empty_selection_is_refused_rather_than_published_invalid(
        self, client, ledger, personas, reference_data, today
    ):
        response = get(client, personas.officer_south, reverse("reporting:export_oc4ids"), sector=reference_data.bio.pk)
        assert response.status_code == 404

    def test_the_extension_is_published(self, client, db):
        data = client.get(reverse("reporting:oc4ids_extension")).json()
        assert data["schemas"] == ["project-schema.json"]
        schema = client.get(reverse("reporting:oc4ids_extension_file", args=["project-schema.json"])).json()
        assert "signingEvent" in schema["properties"]
