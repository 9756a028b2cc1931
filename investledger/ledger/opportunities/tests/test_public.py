"""The public catalogue: only open opportunities of published lists, in both languages, and the interest form."""

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.ledger.opportunities import services
from investledger.ledger.opportunities.choices import Status
from investledger.ledger.opportunities.models import Interest

from .conftest import add_opportunity

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((Path(settings.BASE_DIR).parent / "docs" / "opportunity-feed.schema.json").read_text())


@pytest.fixture
def hidden(reference_data, north_list, north_opportunities):
    """Opportunities the public must never see: in talks, withdrawn, and open on a list not published."""
    in_talks = add_opportunity(north_list, title="在谈项目", area=reference_data.north)
    withdrawn = add_opportunity(north_list, title="撤回项目", area=reference_data.north)
    with audit_context(source="test"):
        services.opportunity_set_status(opportunity=in_talks, status=Status.IN_TALKS, reason="在谈")
        services.opportunity_set_status(opportunity=withdrawn, status=Status.WITHDRAWN, reason="撤回")
        draft = services.list_create(
            fields={"title": "草稿清单", "title_en": "Draft list", "publishing_area": reference_data.north}
        )
    unpublished = add_opportunity(draft, title="未发布项目", area=reference_data.north)
    return [in_talks, withdrawn, unpublished]


def interest_data(**overrides):
    data = {
        "name": "陈先生",
        "organisation": "Harbour Logistics Ltd",
        "email": "chan@example.com",
        "message": "We would like to visit the site.",
        "website": "",
    }
    data.update(overrides)
    return data


class CatalogueTests:
    def test_it_shows_only_open_opportunities_of_published_lists_without_signing_in(self, north_opportunities, hidden):
        client = Client()
        page = client.get(reverse("opportunities:public_catalogue")).content.decode()
        for shown in north_opportunities:
            assert shown.title_en in page
        for secret in hidden:
            assert secret.title_en not in page
            assert client.get(reverse("opportunities:public_detail", args=[secret.pk])).status_code == 404
            assert (
                client.post(reverse("opportunities:public_interest", args=[secret.pk]), interest_data()).status_code
                == 404
            )
        assert "2 open opportunities" in page

    def test_it_reads_in_chinese_and_english(self, north_opportunities):
        client = Client()
        url = reverse("opportunities:public_detail", args=[north_opportunities[0].pk])
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert '<h1 class="h3 mb-1">北区物流园 (en)</h1>' in english and "Express interest" in english
        assert '<h1 class="h3 mb-1">北区物流园</h1>' in chinese and "表达投资意向" in chinese

    def test_it_filters_by_category_area_sector_size_and_mode(self, reference_data, north_opportunities):
        logistics, franchise = north_opportunities
        franchise.sectors.set([reference_data.bio])
        client = Client()
        url = reverse("opportunities:public_catalogue")

        def shown(**query):
            return {o.pk for o in client.get(url, query).context["page_obj"].object_list}

        assert shown(category=franchise.category_id) == {franchise.pk}
        assert shown(area=reference_data.north_park.pk) == {franchise.pk}
        assert shown(area=reference_data.north.pk) == {logistics.pk, franchise.pk}
        assert shown(sector=reference_data.bio.pk) == {franchise.pk}
        assert shown(size="1_10") == {franchise.pk}  # RMB 0.25 bn
        assert shown(size="10_50") == {logistics.pk}  # RMB 1 bn
        assert shown(mode="equity") == {logistics.pk, franchise.pk}
        assert shown(mode="lease") == set()

    def test_its_filters_offer_what_was_published_since_the_last_view(
        self, reference_data, north_list, north_opportunities
    ):
        client = Client()
        url = reverse("opportunities:public_catalogue")

        def offered(field: str) -> set[int]:
            return {pk for pk, _label in client.get(url).context["filter_form"].fields[field].choices if pk}

        assert reference_data.south.pk not in offered("area")  # read once and kept until the ledger changes
        with audit_context(source="test"):
            south_list = services.list_create(
                fields={"title": "南区机会清单", "publishing_area": reference_data.south, "published": True}
            )
        add_opportunity(south_list, title="南区新厂房", area=reference_data.south, code="franchising")
        assert reference_data.south.pk in offered("area")
        south = client.get(url, {"area": reference_data.south.pk}).context["page_obj"].object_list
        assert [o.title for o in south] == ["南区新厂房"]


class InterestTests:
    def url(self, opportunity):
        return reverse("opportunities:public_interest", args=[opportunity.pk])

    def test_it_keeps_an_interest_for_the_lists_unit_and_audits_it(self, north_opportunities):
        response = Client().post(self.url(north_opportunities[0]), interest_data())
        assert response.status_code == 302
        interest = Interest.objects.get()
        assert (interest.organisation, interest.opportunity) == ("Harbour Logistics Ltd", north_opportunities[0])
        assert AuditEntry.objects.filter(content_type__model="interest", object_id=str(interest.pk)).exists()
        page = Client().get(response.url)
        assert page.status_code == 200

    def test_it_refuses_a_form_a_robot_filled_in_and_keeps_nothing(self, north_opportunities):
        response = Client().post(self.url(north_opportunities[0]), interest_data(website="http://spam.example"))
        assert response.status_code == 400
        assert "a field meant to stay empty was filled in" in response.content.decode()
        assert not Interest.objects.exists()

    def test_it_refuses_an_oversized_message_saying_how_long_it_may_be(self, north_opportunities):
        response = Client().post(self.url(north_opportunities[0]), interest_data(message="长" * 2001))
        assert response.status_code == 400
        assert "at most 2000 characters (it has 2001)" in response.content.decode()
        assert not Interest.objects.exists()

    def test_it_refuses_a_request_body_past_the_limit_before_reading_it(self, north_opportunities):
        response = Client().post(self.url(north_opportunities[0]), interest_data(message="x" * 20000))
        assert response.status_code == 413
        assert "too long to be sent" in response.content.decode()
        assert not Interest.objects.exists()

    def test_it_names_a_bad_email_and_keeps_nothing(self, north_opportunities):
        response = Client().post(self.url(north_opportunities[0]), interest_data(email="not-an-address"))
        assert response.status_code == 400
        assert 'data-error-for="email"' in response.content.decode()
        assert not Interest.objects.exists()

    def test_it_limits_how_often_one_address_may_write(self, north_opportunities):
        sender = Client(REMOTE_ADDR="198.51.100.7")
        for _ in range(services.INTEREST_LIMIT):
            assert sender.post(self.url(north_opportunities[0]), interest_data()).status_code == 302
        refused = sender.post(self.url(north_opportunities[1]), interest_data())
        assert refused.status_code == 429
        assert "Too many messages" in refused.content.decode()
        assert Interest.objects.count() == services.INTEREST_LIMIT
        other = Client(REMOTE_ADDR="198.51.100.8")
        assert other.post(self.url(north_opportunities[1]), interest_data()).status_code == 302

    def test_it_escapes_markup_in_what_was_sent(self, client, personas, north_opportunities):
        Client().post(self.url(north_opportunities[0]), interest_data(organisation="<script>alert(1)</script>"))
        client.force_login(personas.officer_north)
        page = client.get(reverse("opportunities:inbox")).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


class InboxTests:
    def test_the_owning_area_sees_the_interest_and_marks_it_handled(self, client, personas, north_opportunities):
        Client().post(reverse("opportunities:public_interest", args=[north_opportunities[0].pk]), interest_data())
        interest = Interest.objects.get()
        client.force_login(personas.officer_south)
        assert "Harbour Logistics" not in client.get(reverse("opportunities:inbox")).content.decode()
        handle = reverse("opportunities:interest_handle", args=[interest.pk])
        assert client.post(handle).status_code == 404
        client.force_login(personas.leader)
        assert "Harbour Logistics" in client.get(reverse("opportunities:inbox")).content.decode()
        assert client.post(handle).status_code == 403
        client.force_login(personas.officer_north)
        assert "Harbour Logistics" in client.get(reverse("opportunities:inbox")).content.decode()
        assert client.post(handle, {"note": "已回复"}).status_code == 302
        interest.refresh_from_db()
        assert (interest.state, interest.handled_by, interest.handled_note) == (
            "handled",
            personas.officer_north,
            "已回复",
        )


class FeedTests:
    def test_the_json_feed_validates_against_its_schema_and_holds_only_the_public_items(
        self, north_opportunities, hidden
    ):
        response = Client().get(reverse("opportunities:public_feed_json"))
        document = response.json()
        jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)
        assert {item["id"] for item in document["opportunities"]} == {o.pk for o in north_opportunities}
        assert document["count"] == 2
        first = next(item for item in document["opportunities"] if item["id"] == north_opportunities[0].pk)
        assert first["estimated_investment"]["amount_cny"] == "1000000000.00"
        assert first["title_zh"] == "北区物流园" and first["list"]["publishing_area"]["code"] == "north"

    def test_the_schema_refuses_an_item_that_breaks_it(self, north_opportunities):
        document = Client().get(reverse("opportunities:public_feed_json")).json()
        document["opportunities"][0]["estimated_investment"]["amount_cny"] = 1000000000.0
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(document, SCHEMA)

    def test_the_csv_feed_holds_the_same_items_and_no_formula(self, reference_data, north_list, north_opportunities):
        add_opportunity(north_list, title='=HYPERLINK("http://x")', title_en="+cmd", area=reference_data.north)
        text = b"".join(Client().get(reverse("opportunities:public_feed_csv")).streaming_content).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == 3
        formula = next(row for row in rows if "HYPERLINK" in row["title_zh"])
        assert formula["title_zh"].startswith("'=") and formula["title_en"] == "'+cmd"
        json_ids = {
            item["id"] for item in Client().get(reverse("opportunities:public_feed_json")).json()["opportunities"]
        }
        assert {int(row["id"]) for row in rows} == json_ids
