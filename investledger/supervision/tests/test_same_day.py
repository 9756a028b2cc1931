"""A project entered today has its milestone plan and light today; the current light is the latest by date."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from investledger.core import audit, clock
from investledger.core.audit import audit_context
from investledger.core.models import DailyRun
from investledger.intake.tests.helpers import CHINESE_HEADER, import_file, write_xlsx
from investledger.ledger.projects.models import Project
from investledger.supervision import services
from investledger.supervision.choices import Light, MilestoneKind
from investledger.supervision.models import LightAssessment, Milestone
from investledger.supervision.tests.helpers import file_reports, signed_project
from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db

SIGNING_DAY = dt.date(2026, 3, 18)


def assert_planned_and_lit(project: Project, day: dt.date) -> None:
    project.refresh_from_db()
    assert sorted(project.milestones.values_list("kind", flat=True)) == sorted(MilestoneKind.values)
    current = project.light_assessments.get(is_current=True)
    assert current.assessed_on == day
    assert (project.light, project.light_on) == (current.light, day)


def form_data(reference_data, investor, event):
    data = {
        "name": "新能源整车项目",
        "investor": investor.pk,
        "host_area": reference_data.north.pk,
        "sector": reference_data.ev.pk,
        "agreement_type": "contract",
        "currency": "CNY",
        "contract_value": "1.5",  # RMB bn, the unit shown beside the field
        "event": event.pk,
        "signed_on": SIGNING_DAY.isoformat(),
    }
    for name in ("fx_rate", "fx_date", "outside_value_cny", "fixed_asset_value_cny", "planned_jobs"):
        data[name] = ""
    for name in ("planned_start", "planned_completion", "planned_production", "lead_unit", "description"):
        data[name] = ""
    data.update({"responsible_leader": "", "commissioner": ""})
    return data


@pytest.fixture
def signing_day_event(reference_data):
    from investledger.ledger.events.models import SigningEvent

    return SigningEvent.objects.create(name="春季签约会", name_en="Spring signing", kind="ceremony", date=SIGNING_DAY)


def test_a_project_entered_by_the_form_has_its_plan_and_light_the_same_day(
    client, personas, reference_data, signing_day_event
):
    client.force_login(personas.officer_north)
    with clock.frozen_at(SIGNING_DAY):
        response = client.post(
            reverse("projects:project_create"), form_data(reference_data, make_investor(), signing_day_event)
        )
    assert response.status_code == 302, response.content
    project = Project.objects.get(name="新能源整车项目")
    assert_planned_and_lit(project, SIGNING_DAY)
    assert project.light == Light.GREEN
    # The first milestone can be recorded on signing day, from the milestones page.
    registered = project.milestones.get(kind=MilestoneKind.REGISTERED)
    with clock.frozen_at(SIGNING_DAY):
        page = client.get(reverse("supervision:project_milestones", args=[project.pk]))
        assert page.status_code == 200 and f"m{registered.pk}-actual_date" in page.content.decode()
        response = client.post(
            reverse("supervision:milestone_record", args=[registered.pk]),
            {
                f"m{registered.pk}-actual_date": SIGNING_DAY.isoformat(),
                f"m{registered.pk}-evidence_number": "91500000MA5U000001",
                f"m{registered.pk}-version": registered.version,
            },
        )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.stage == "registered"


def test_a_project_entered_through_the_api_has_its_plan_and_light_the_same_day(
    personas, reference_data, signing_day_event
):
    api = APIClient()
    api.force_authenticate(personas.officer_north)
    body = {
        "name": "Lakeside chip packaging line",
        "investor": make_investor("Lakeside Semiconductor Co.").pk,
        "host_area": reference_data.north_park.pk,
        "sector": reference_data.ev.pk,
        "contract_value": "1500000000.00",
        "event": signing_day_event.pk,
    }
    with clock.frozen_at(SIGNING_DAY):
        response = api.post("/api/projects/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["light"] == Light.GREEN
    assert_planned_and_lit(Project.objects.get(pk=response.json()["id"]), SIGNING_DAY)


def test_imported_projects_have_their_plans_and_lights_the_same_day(tmp_path, personas, reference_data):
    rows = [CHINESE_HEADER] + [
        [f"导入项目{i}", f"导入企业{i}", "北区", "生物医药", 1 + i, "2026-03-18"] for i in range(5)
    ]
    # One signed three years before the import: its plan is already overdue, so it comes in red.
    rows.append(["旧项目", "旧企业", "北区", "生物医药", 2, "2023-03-18"])
    path = write_xlsx(tmp_path / "signing.xlsx", rows)
    with clock.frozen_at(SIGNING_DAY):
        batch = import_file(path, personas.officer_north, event=reference_data.event)
    assert batch.status == "committed", batch.status
    projects = Project.objects.filter(name__startswith="导入项目")
    assert projects.count() == 5
    for project in projects:
        assert_planned_and_lit(project, SIGNING_DAY)
    old = Project.objects.get(name="旧项目")
    assert_planned_and_lit(old, SIGNING_DAY)
    assert old.light == Light.RED
    # Each milestone and light written in bulk reads as the one-by-one path writes it.
    one_by_one = make_project(area=reference_data.north, sector=reference_data.bio, event=reference_data.event)
    imported = projects.first()
    assert (
        audit.snapshot(imported.milestones.get(kind="registered")).keys()
        == audit.snapshot(one_by_one.milestones.get(kind="registered")).keys()
    )
    assert audit.verify_chain().ok


def test_the_current_light_is_the_latest_assessment_by_date_not_the_last_written(reference_data):
    project = signed_project(reference_data)
    today = dt.date(2024, 7, 2)  # land (planned 15 July) is due this month with no reason: yellow
    registered = project.milestones.get(kind=MilestoneKind.REGISTERED)
    with audit_context(source="test"), clock.frozen_at(dt.date(2024, 4, 10)):
        services.milestone_record(milestone=registered, actual_date=dt.date(2024, 4, 10), evidence_number="91500")
    file_reports(project, until=dt.date(2024, 6, 30))
    with audit_context(source="test"), clock.frozen_at(today):
        services.light_assess(project=project, as_of=today)
    project.refresh_from_db()
    yellow = LightAssessment.objects.get(project=project, is_current=True)
    assert (yellow.light, project.light) == (Light.YELLOW, Light.YELLOW)
    # The scan for a missed day, run late: it keeps that day's light in the history, today's stays current.
    with clock.frozen_at(today):
        call_command("daily", "--as-of", "2024-06-20", stdout=io.StringIO())
    project.refresh_from_db()
    assert LightAssessment.objects.get(project=project, is_current=True) == yellow
    assert (project.light, project.light_on) == (Light.YELLOW, today)
    # A missed day whose light differs from the one then in force is kept in the history, not current.
    with clock.frozen_at(today):
        call_command("daily", "--as-of", "2024-07-01", stdout=io.StringIO())
    missed = LightAssessment.objects.get(project=project, assessed_on=dt.date(2024, 7, 1))
    assert missed.light == Light.YELLOW and not missed.is_current
    assert LightAssessment.objects.get(project=project, is_current=True) == yellow


def test_every_demo_project_shows_its_latest_assessment(reference_data):
    from investledger.supervision import demo

    today = dt.date(2026, 11, 20)
    with clock.frozen_at(today):
        for _ in range(12):
            make_project(area=reference_data.north, sector=reference_data.ev, event=reference_data.event, is_demo=True)
        demo.load()
    for project in Project.objects.all():
        latest = project.light_assessments.order_by("-assessed_on", "-id").first()
        assert latest.is_current, project
        assert (project.light, project.light_on) == (latest.light, latest.assessed_on), project


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_days_scans_once_a_day_by_itself(reference_data, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.INVESTLEDGER_DAILY_AT = "01:15"
    make_project(area=reference_data.north, sector=reference_data.ev, event=reference_data.event)
    Milestone.objects.all().delete()  # a project the scan has to plan
    with clock.frozen_at(timezone.make_aware(dt.datetime(2026, 3, 18, 0, 30))):  # local time
        call_command("worker", "--batch", stdout=io.StringIO(), stderr=io.StringIO())
    assert not DailyRun.objects.exists() and not Milestone.objects.exists()  # not due before 01:15
    with clock.frozen_at(SIGNING_DAY):
        call_command("worker", "--batch", stdout=io.StringIO(), stderr=io.StringIO())
    run = DailyRun.objects.get(day=SIGNING_DAY)
    assert run.finished_at is not None
    assert Milestone.objects.count() == 6
    with clock.frozen_at(SIGNING_DAY):
        call_command("worker", "--batch", stdout=io.StringIO(), stderr=io.StringIO())
    assert DailyRun.objects.count() == 1
