"""/api/projects/ in keyset pages (`cursor`): every row once, in the list's order, whatever is added
meanwhile, and never a row outside the reader's scope; page numbers keep working as before."""

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from investledger.ledger.events.models import SigningEvent
from investledger.ledger.projects.models import Project
from investledger.testing import make_project

pytestmark = pytest.mark.django_db

BN = Decimal("1000000000")
URL = "/api/projects/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def ledger(reference_data):
    """Eleven projects in North and South, several signed on one day (ties), two not signed (no date)
    and two of equal value."""
    ref = reference_data
    same_day = SigningEvent.objects.create(name="同日签约", kind="ceremony", date=dt.date(2024, 5, 1))
    rows = []
    for n in range(9):
        rows.append(
            make_project(
                name=f"项目{n:02d}",
                area=ref.north if n % 2 else ref.south,
                sector=ref.ev,
                value=BN * (1 + n % 4),
                event=same_day if n % 3 else ref.event,
            )
        )
    rows.append(make_project(name="未签约甲", area=ref.north, sector=ref.ev, value=BN))
    rows.append(make_project(name="未签约乙", area=ref.south, sector=ref.ev, value=BN))
    return rows


def walk(client, params: dict, direction: str = "next", start=None) -> list[list[int]]:
    """The pages met following `direction` links from the first page (or `start`)."""
    pages = []
    url = start
    answer = client.get(URL, {**params, "cursor": ""}) if url is None else client.get(url)
    while True:
        assert answer.status_code == 200, answer.content
        body = answer.json()
        assert "count" not in body
        pages.append([row["id"] for row in body["results"]])
        if not body[direction]:
            return pages
        answer = client.get(body[direction])


ORDERINGS = ["", "value", "-value", "name", "signed_on", "-signed_on", "stage"]


class TestCursorPages:
    @pytest.mark.parametrize("ordering", ORDERINGS)
    def test_following_next_gives_every_row_once_in_the_lists_order(self, personas, ledger, ordering):
        client = client_for(personas.admin)
        params = {"page_size": 3, **({"ordering": ordering} if ordering else {})}
        pages = walk(client, params)
        seen = [pk for page in pages for pk in page]
        assert len(seen) == len(set(seen)) == Project.objects.count()
        assert all(len(page) == 3 for page in pages[:-1])
        key = {"": "-signed_on", "value": "contract_value_cny", "-value": "-contract_value_cny"}.get(ordering, ordering)
        field, descending = key.lstrip("-"), key.startswith("-")
        values = {p.pk: getattr(p, field) for p in Project.objects.all()}
        shown = [values[pk] for pk in seen]
        present = [v for v in shown if v is not None]
        assert present == sorted(present, reverse=descending)
        # Empty values (not signed yet) come as the greatest: first going down, last going up.
        nulls = [i for i, v in enumerate(shown) if v is None]
        if nulls:
            assert nulls == (
                list(range(len(nulls))) if descending else list(range(len(shown) - len(nulls), len(shown)))
            )

    @pytest.mark.parametrize("ordering", ["", "value", "name"])
    def test_previous_links_give_the_same_pages_back(self, personas, ledger, ordering):
        client = client_for(personas.admin)
        params = {"page_size": 4, **({"ordering": ordering} if ordering else {})}
        forward = walk(client, params)
        last = client.get(URL, {**params, "cursor": ""})
        while last.json()["next"]:
            last = client.get(last.json()["next"])
        back = walk(client, params, "previous", start=last.request["PATH_INFO"] + "?" + last.request["QUERY_STRING"])
        assert back == list(reversed(forward))

    def test_rows_added_meanwhile_move_no_row_onto_two_pages(self, personas, ledger, reference_data):
        client = client_for(personas.admin)
        first = client.get(URL, {"page_size": 4, "cursor": ""}).json()
        # Signed later than all: they sort before the first page in the default order.
        latest = SigningEvent.objects.create(name="最新签约", kind="ceremony", date=dt.date(2030, 1, 1))
        for n in range(3):
            make_project(name=f"新增{n}", area=reference_data.north, sector=reference_data.ev, event=latest)
        pages = walk(client, {}, start=first["next"])
        rest = [pk for page in pages for pk in page]
        shown = [row["id"] for row in first["results"]]
        assert not set(shown) & set(rest)
        assert set(shown) | set(rest) == {p.pk for p in ledger}

    def test_a_district_officer_never_sees_another_districts_rows_through_a_cursor(
        self, personas, ledger, reference_data
    ):
        # A cursor taken from the city-wide list, positioned among South's rows, handed to North's officer.
        admin_page = client_for(personas.admin).get(URL, {"page_size": 2, "cursor": ""}).json()
        pages = walk(client_for(personas.officer_north), {}, start=admin_page["next"])
        seen = {pk for page in pages for pk in page}
        north = set(
            Project.objects.filter(host_area__path__startswith=reference_data.north.path).values_list("pk", flat=True)
        )
        assert seen and seen <= north

    @pytest.mark.parametrize("cursor", ["garbage", "eyJvIjoiLWlkIiwidiI6WzFdLCJiIjpmYWxzZX0"])
    def test_a_cursor_that_cannot_be_read_or_belongs_to_another_order_is_refused(self, personas, ledger, cursor):
        answer = client_for(personas.admin).get(URL, {"cursor": cursor})
        assert answer.status_code == 404


class TestPageNumbers:
    def test_page_numbers_keep_their_count_and_links(self, personas, ledger):
        answer = client_for(personas.admin).get(URL, {"page_size": 4, "page": 2}).json()
        assert answer["count"] == Project.objects.count()
        assert answer["count_estimated"] is False
        assert "page=3" in answer["next"] and answer["previous"]
        assert len(answer["results"]) == 4

    def test_a_district_officer_counts_only_their_district(self, personas, ledger, reference_data):
        answer = client_for(personas.officer_north).get(URL).json()
        north = Project.objects.filter(host_area__path__startswith=reference_data.north.path)
        assert answer["count"] == north.count() == len(answer["results"])
