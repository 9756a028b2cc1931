"""Every related id in a write is checked through the one access rule.

officer_north names South's records (an investor only South's projects have, a South project, a
user of South) in every write that takes such an id, through the API and the pages. Each is refused
exactly as an id that does not exist, and neither the record's name nor the record itself becomes
visible to them.
"""

import re
from dataclasses import dataclass

import pytest
from django.test import Client
from rest_framework.test import APIClient

from investledger.accounts.models import RoleAssignment
from investledger.core.access import Role
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects.models import Project
from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db

MISSING = 987654321


@dataclass
class World:
    north: Project
    south: Project
    south_investor: Investor
    south_user: object
    supervisor_north: object


@pytest.fixture
def world(reference_data, personas):
    south_investor = make_investor("南方独有投资集团 Southern Only Group")
    south = make_project(area=reference_data.south, sector=reference_data.food, investor=south_investor)
    north = make_project(area=reference_data.north, sector=reference_data.ev)
    supervisor_north = personas.supervisor.__class__.objects.create_user("supervisor_north", password="x" * 12)
    RoleAssignment.objects.create(user=supervisor_north, role=Role.SUPERVISOR, area=reference_data.north)
    return World(north, south, south_investor, personas.officer_south, supervisor_north)


def _project_body(ref, **extra):
    body = {
        "name": "北区新项目",
        "investor": None,
        "host_area": ref.north.pk,
        "sector": ref.ev.pk,
        "contract_value": "500000000",
        "confirm_not_duplicate": True,
    }
    body.update(extra)
    return body


# (name, who, method, url, body builder, field): the body names `target` in `field`.
API_CASES = [
    ("project create: investor", "officer_north", "post", lambda w: "/api/projects/",
     lambda ref, w, target: _project_body(ref, investor=target), "investor"),
    ("project create: co-investors", "officer_north", "post", lambda w: "/api/projects/",
     lambda ref, w, target: _project_body(ref, investor=w.north.investor_id, co_investors=[target]), "co_investors"),
    ("project create: contacts", "officer_north", "post", lambda w: "/api/projects/",
     lambda ref, w, target: _project_body(ref, investor=w.north.investor_id, contacts=[target]), "contacts"),
    ("project update: investor", "officer_north", "patch", lambda w: f"/api/projects/{w.north.pk}/",
     lambda ref, w, target: {"investor": target, "version": w.north.version}, "investor"),
    ("project update: co-investors", "officer_north", "patch", lambda w: f"/api/projects/{w.north.pk}/",
     lambda ref, w, target: {"co_investors": [target], "version": w.north.version}, "co_investors"),
    ("project update: contacts", "officer_north", "patch", lambda w: f"/api/projects/{w.north.pk}/",
     lambda ref, w, target: {"contacts": [target], "version": w.north.version}, "contacts"),
    ("investor create: parent group", "officer_north", "post", lambda w: "/api/investors/",
     lambda ref, w, target: {"name": "北方子公司", "parent": target}, "parent"),
    ("issue: project", "officer_north", "post", lambda w: "/api/issues/",
     lambda ref, w, target: {"title": "用地", "category": "land", "project": target,
                             "responsible_unit": ref.power.pk, "description": "x"}, "project"),
    ("progress report: project", "officer_north", "post", lambda w: "/api/progress-reports/",
     lambda ref, w, target: {"project": target, "period": "2026-10-01", "funds_in_place_cny": "0",
                             "investment_completed_cny": "0"}, "project"),
    ("notice: project", "supervisor_north", "post", lambda w: "/api/notices/",
     lambda ref, w, target: {"colour": "yellow", "subject": "催办", "body": "x", "project": target,
                             "deadline": "2026-12-31"}, "project"),
    ("inspection: project", "supervisor_north", "post", lambda w: "/api/inspections/",
     lambda ref, w, target: {"project": target, "kind": "site_visit", "visited_on": "2026-11-02",
                             "inspectors": "x", "findings": "x", "outcome": "as_reported"}, "project"),
]  # fmt: skip

TARGETS = {
    "investor": lambda w: w.south_investor.pk,
    "co_investors": lambda w: w.south_investor.pk,
    "parent": lambda w: w.south_investor.pk,
    "contacts": lambda w: w.south_user.pk,
    "project": lambda w: w.south.pk,
}


def _actor(personas, world, who):
    return world.supervisor_north if who == "supervisor_north" else getattr(personas, who)


def _without_ids(payload, *ids) -> str:
    text = str(payload)
    for value in ids:
        text = re.sub(rf"\b{value}\b", "<id>", text)
    return text


@pytest.mark.parametrize(
    ("who", "method", "url", "body", "field"), [c[1:] for c in API_CASES], ids=[c[0] for c in API_CASES]
)
def test_an_id_of_another_district_is_refused_like_one_that_does_not_exist(
    reference_data, personas, world, who, method, url, body, field
):
    client = APIClient()
    client.force_authenticate(_actor(personas, world, who))
    target = TARGETS[field](world)
    count = {m: m.objects.count() for m in (Project, Investor)}
    theirs = getattr(client, method)(url(world), body(reference_data, world, target), format="json")
    missing = getattr(client, method)(url(world), body(reference_data, world, MISSING), format="json")
    assert theirs.status_code == missing.status_code == 400, theirs.content
    assert field in theirs.json(), theirs.json()
    assert "object does not exist" in str(theirs.json()[field])
    assert _without_ids(theirs.json(), target) == _without_ids(missing.json(), MISSING)
    assert world.south_investor.name not in theirs.content.decode()
    assert {m: m.objects.count() for m in (Project, Investor)} == count
    world.north.refresh_from_db()
    assert world.north.investor_id != world.south_investor.pk
    assert not Investor.objects.visible_to(personas.officer_north).filter(pk=world.south_investor.pk).exists()


@pytest.mark.parametrize(
    ("who", "method", "url", "body", "field"), [c[1:] for c in API_CASES], ids=[c[0] for c in API_CASES]
)
def test_an_id_the_writer_may_see_is_still_accepted(reference_data, personas, world, who, method, url, body, field):
    """The same writes with the writer's own records go through: the check narrows, it does not block."""
    own = {
        "investor": world.north.investor_id,
        "co_investors": world.north.investor_id,
        "parent": world.north.investor_id,
        "contacts": personas.officer_north.pk,
        "project": world.north.pk,
    }[field]
    client = APIClient()
    client.force_authenticate(_actor(personas, world, who))
    response = getattr(client, method)(url(world), body(reference_data, world, own), format="json")
    assert response.status_code in (200, 201), response.content


def test_the_investor_of_another_district_is_not_shown_nor_becomes_readable(reference_data, personas, world):
    client = APIClient()
    client.force_authenticate(personas.officer_north)
    response = client.post("/api/projects/", _project_body(reference_data, investor=world.south_investor.pk))
    assert response.status_code == 400
    assert response.json()["investor"] == [f'Invalid pk "{world.south_investor.pk}" - object does not exist.']
    assert client.get(f"/api/investors/{world.south_investor.pk}/").status_code == 404


def test_a_city_wide_administrator_names_any_investor(reference_data, personas, world):
    client = APIClient()
    client.force_authenticate(personas.admin)
    response = client.post("/api/projects/", _project_body(reference_data, investor=world.south_investor.pk))
    assert response.status_code == 201, response.content
    assert response.json()["investor_name"] == world.south_investor.name


# --- Pages -----------------------------------------------------------------------------------------

PAGE_CASES = [
    ("new project: investor", "officer_north", lambda w: "/projects/new/", "investor"),
    ("new project: co-investors", "officer_north", lambda w: "/projects/new/", "co_investors"),
    ("new project: contacts", "officer_north", lambda w: "/projects/new/", "contacts"),
    ("project edit: investor", "officer_north", lambda w: f"/projects/{w.north.pk}/edit/", "investor"),
    ("project edit: contacts", "officer_north", lambda w: f"/projects/{w.north.pk}/edit/", "contacts"),
    ("new investor: parent group", "officer_north", lambda w: "/investors/new/", "parent"),
    ("notice: project", "supervisor_north", lambda w: "/escalation/notices/new/", "project"),
    ("inspection: project", "supervisor_north", lambda w: "/escalation/inspections/new/", "project"),
]


def _page_body(reference_data, world, field, target):
    base = {
        "name": "北区新项目",
        "investor": world.north.investor_id,
        "host_area": reference_data.north.pk,
        "sector": reference_data.ev.pk,
        "agreement_type": "contract",
        "currency": "CNY",
        "contract_value": "500000000",
        "version": world.north.version,
        "colour": "yellow",
        "subject": "催办",
        "body": "x",
        "deadline": "2026-12-31",
        "kind": "site_visit",
        "visited_on": "2026-11-02",
        "inspectors": "x",
        "findings": "x",
        "outcome": "as_reported",
        "origin": "local",
        "ownership": "private",
    }
    base[field] = [target] if field in ("co_investors", "contacts") else target
    return base


def _field_errors(html: str) -> list[str]:
    return re.findall(r'class="invalid-feedback[^"]*"[^>]*>\s*([^<]+?)\s*<', html) + re.findall(
        r"<li>([^<]*valid choice[^<]*)</li>", html
    )


@pytest.mark.parametrize(("who", "url", "field"), [c[1:] for c in PAGE_CASES], ids=[c[0] for c in PAGE_CASES])
def test_a_page_refuses_an_id_of_another_district_like_one_that_does_not_exist(
    reference_data, personas, world, who, url, field
):
    client = Client()
    client.force_login(_actor(personas, world, who))
    target = TARGETS[field](world)
    count = {m: m.objects.count() for m in (Project, Investor)}
    theirs = client.post(url(world), _page_body(reference_data, world, field, target))
    missing = client.post(url(world), _page_body(reference_data, world, field, MISSING))
    assert theirs.status_code == missing.status_code, (theirs.status_code, missing.status_code)
    assert theirs.status_code in (200, 400)
    html = theirs.content.decode()
    assert "valid choice" in html
    assert _without_ids(_field_errors(html), target) == _without_ids(_field_errors(missing.content.decode()), MISSING)
    assert world.south_investor.name not in html
    assert world.south.name not in html or field != "project"
    assert {m: m.objects.count() for m in (Project, Investor)} == count


def test_the_new_project_page_lists_only_the_investors_and_contacts_the_officer_may_see(
    reference_data, personas, world
):
    client = Client()
    client.force_login(personas.officer_north)
    html = client.get("/projects/new/").content.decode()
    assert world.north.investor.name in html
    assert world.south_investor.name not in html
    assert f'value="{personas.officer_south.pk}"' not in html.split('name="contacts"')[1].split("</select>")[0]
