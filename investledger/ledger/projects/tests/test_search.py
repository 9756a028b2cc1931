"""The ledger's free-text search: what it finds, on the page and in the API alike, for every reader.

Each test runs with the search's ways of reading on PostgreSQL: by the ids of few matches, and as a
test of each row when the text is common (`BROAD` set to 1 makes every search with two matches or
more common), its investors named by id or, when there are many, by a subquery. SQLite has one way;
the tests run there all the same.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from investledger.ledger.projects import search, totals
from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["few", "common", "common, many investors"])
def mode(request, monkeypatch):
    if request.param.startswith("common"):
        monkeypatch.setattr(search, "BROAD", 1)
    if request.param.endswith("many investors"):
        monkeypatch.setattr(search, "INVESTORS_NAMED", 0)
    return request.param


@pytest.fixture
def ledger(reference_data):
    ref = reference_data
    boe = make_investor("京东方科技集团股份有限公司", name_en="BOE Technology Group")
    catl = make_investor("宁德时代新能源科技股份有限公司", name_en="CATL")
    return {
        "north": make_project(name="北区生物医药产业园", area=ref.north, sector=ref.bio, investor=catl),
        "park": make_project(name="第6代AMOLED生产线", area=ref.north_park, sector=ref.ev, investor=boe),
        "south": make_project(name="南区生物疫苗基地", area=ref.south, sector=ref.bio),
        "english": make_project(name="Lakeside Battery Plant", area=ref.south, sector=ref.ev, investor=catl),
    }


def api_ids(user, q) -> set[int]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/projects/", {"q": q})
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def page_ids(client, user, q) -> set[int]:
    client.force_login(user)
    response = client.get(reverse("projects:project_list"), {"q": q})
    assert response.status_code == 200
    return {p.pk for p in response.context["object_list"]}


def found(client, user, q) -> set[int]:
    """What the search finds, read from the API and the ledger page, which must agree."""
    from_api = api_ids(user, q)
    assert page_ids(client, user, q) == from_api
    return from_api


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("生物", {"north", "south"}),  # a two-character Chinese word
        ("疫", {"south"}),  # one character
        ("生物医药产业", {"north"}),
        ("amoled", {"park"}),  # Latin letters in a Chinese name, either case
        ("battery PLANT", {"english"}),  # an English name
        ("京东方", {"park"}),  # the investor's name
        ("boe tech", {"park"}),  # the investor's English name
        ("宁德时代", {"north", "english"}),
        ("电池", set()),
    ],
)
def test_it_finds_names_and_investors_in_both_languages(client, personas, ledger, mode, q, expected):
    assert found(client, personas.admin, q) == {ledger[key].pk for key in expected}


def test_it_finds_a_project_by_its_reference_typed_in_any_case(client, personas, ledger, mode):
    reference = ledger["park"].reference
    assert found(client, personas.admin, reference.lower()) == {ledger["park"].pk}
    assert found(client, personas.admin, f"  {reference} ") == {ledger["park"].pk}


def test_a_district_officer_finds_nothing_of_another_district(client, personas, ledger, mode):
    assert found(client, personas.officer_north, "生物") == {ledger["north"].pk}
    assert found(client, personas.officer_north, "南区") == set()
    assert found(client, personas.officer_north, ledger["south"].reference) == set()
    assert found(client, personas.officer_south, "宁德时代") == {ledger["english"].pk}
    assert found(client, personas.officer_park, "宁德时代") == set()


def test_a_search_narrows_the_other_filters_and_keeps_the_order(client, personas, ledger, reference_data, mode):
    client.force_login(personas.admin)
    response = client.get(reverse("projects:project_list"), {"q": "生物", "area": reference_data.south.pk})
    assert [p.pk for p in response.context["object_list"]] == [ledger["south"].pk]
    response = client.get(reverse("projects:project_list"), {"q": "区", "ordering": "name"})
    names = [p.name for p in response.context["object_list"]]
    assert names == sorted(names) and len(names) == 2


def test_markup_in_the_search_is_searched_as_text_and_shown_escaped(client, personas, ledger, mode):
    q = '<script>alert("x")</script>'
    assert found(client, personas.admin, q) == set()
    make_project(name="<b>Bold</b> plant", area=ledger["north"].host_area, sector=ledger["north"].sector)
    assert len(found(client, personas.admin, "<b>bold</b>")) == 1
    client.force_login(personas.admin)
    body = client.get(reverse("projects:project_list"), {"q": q}).content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;alert" in body


def test_percent_and_underscore_are_matched_as_themselves(client, personas, ledger, mode):
    make_project(name="100%控股_二期", area=ledger["north"].host_area, sector=ledger["north"].sector)
    assert len(found(client, personas.admin, "%控股_")) == 1
    assert found(client, personas.admin, "%") == found(client, personas.admin, "0%控股_") != set()


@pytest.mark.parametrize("q", ["生物\x00", "a\x1bb", "\x7f"])
def test_a_control_character_in_the_search_is_refused_with_a_message(client, personas, ledger, q):
    api = APIClient()
    api.force_authenticate(personas.admin)
    response = api.get("/api/projects/", {"q": q})
    assert response.status_code == 400
    assert "control character" in response.json()["q"][0]
    client.force_login(personas.admin)
    response = client.get(reverse("projects:project_list"), {"q": q})
    assert response.status_code == 200
    assert "control character" in response.content.decode()


def test_a_search_longer_than_any_name_is_refused_with_a_message(client, personas, ledger):
    q = "生物" * 2000
    api = APIClient()
    api.force_authenticate(personas.admin)
    response = api.get("/api/projects/", {"q": q})
    assert response.status_code == 400
    assert f"at most {search.MAX_LENGTH} characters" in response.json()["q"][0]
    client.force_login(personas.admin)
    response = client.get(reverse("projects:project_list"), {"q": q})
    assert response.status_code == 200
    assert f"at most {search.MAX_LENGTH} characters" in response.content.decode()
    assert found(client, personas.admin, "生物" * (search.MAX_LENGTH // 2)) == set()


def test_the_export_holds_what_the_search_finds(client, personas, ledger, mode):
    client.force_login(personas.officer_south)
    response = client.get(reverse("reporting:export_csv"), {"q": "生物"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "南区生物疫苗基地" in text
    assert "北区生物医药产业园" not in text and "Lakeside" not in text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate is PostgreSQL's")
def test_a_common_word_is_counted_by_the_planners_estimate_without_reading_its_rows(
    client, personas, ledger, monkeypatch
):
    monkeypatch.setattr(search, "SURELY_COMMON", 0)  # every word the index knows is common
    monkeypatch.setattr(totals, "EXACT_LIMIT", 0)  # and any estimate is more than the exact count's limit
    client.force_login(personas.admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("projects:project_list"), {"q": "生物"})
    assert response.context["totals"].source == "estimate"
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"] and "projects_project" in q["sql"]]
    monkeypatch.undo()  # as they are: a word of two projects is counted exactly
    response = client.get(reverse("projects:project_list"), {"q": "生物"})
    assert response.context["totals"].source == "exact"


def test_a_word_found_nowhere_answers_an_empty_list(client, personas, ledger, mode):
    assert found(client, personas.admin, "不存在的项目名称") == set()
    client.force_login(personas.admin)
    response = client.get(reverse("projects:project_list"), {"q": "不存在的项目名称"})
    assert response.context["totals"].count == 0
