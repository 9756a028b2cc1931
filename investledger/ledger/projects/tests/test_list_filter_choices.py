"""The ledger's filter drop-downs are read once per data version and per reader's scope: a second view
asks the database nothing for them, a recorded change shows at once, and no reader is shown the list
built for another scope."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from investledger.ledger.projects import views
from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ledger(reference_data):
    ref = reference_data
    return {
        "north": make_project(area=ref.north, sector=ref.ev, investor=make_investor("北区投资方"), event=ref.event),
        "south": make_project(area=ref.south, sector=ref.food, investor=make_investor("南区投资方"), event=ref.event),
    }


def investor_options(client) -> str:
    page = client.get(reverse("projects:project_list")).content.decode()
    start = page.find('name="investor"')
    return page[start : page.find("</select>", start)] if start >= 0 else ""


def queries_of(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("projects:project_list"))
    return [q["sql"] for q in queries.captured_queries]


def test_a_second_view_reads_no_investor_or_area_list(client, personas, ledger):
    client.force_login(personas.officer_north)
    first, second = queries_of(client), queries_of(client)
    assert len(second) < len(first)
    assert not [sql for sql in second if 'FROM "investors_investor"' in sql or 'FROM "reference_area"' in sql]
    assert [sql for sql in first if 'FROM "investors_investor"' in sql]


def test_a_recorded_change_shows_in_the_lists_at_once(client, personas, ledger, reference_data):
    client.force_login(personas.officer_north)
    assert "新投资方" not in investor_options(client)
    make_project(area=reference_data.north, sector=reference_data.ev, investor=make_investor("新投资方"))
    assert "新投资方" in investor_options(client)


def test_each_reader_gets_the_list_of_their_own_scope(client, personas, ledger):
    client.force_login(personas.officer_north)
    north = investor_options(client)
    client.force_login(personas.officer_south)
    south = investor_options(client)
    assert "北区投资方" in north and "南区投资方" not in north
    assert "南区投资方" in south and "北区投资方" not in south


def test_a_long_investor_list_is_left_to_the_search_box(client, personas, ledger, monkeypatch):
    monkeypatch.setattr(views, "INVESTOR_LIST_LIMIT", 0)
    client.force_login(personas.officer_north)
    assert investor_options(client) == ""
    answer = client.get(reverse("projects:project_list"), {"investor": ledger["north"].investor_id})
    assert {p.pk for p in answer.context["object_list"]} == {ledger["north"].pk}
