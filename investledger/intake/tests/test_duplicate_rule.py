"""One rule for likely duplicates: an import flags the pair the project form flags, whatever its size."""

import pytest
from django.urls import reverse

from investledger.intake.tests.helpers import CHINESE_HEADER, import_file, signing_rows, write_xlsx
from investledger.ledger.investors.models import Investor
from investledger.testing import make_investor, make_project

pytestmark = pytest.mark.django_db

# (name, investor) of a new project beside 新能源汽车零部件产业园 of 长安汽车 in North District.
SAME_INVESTOR = ("新能源汽车零部件产业园项目", "长安汽车")
OTHER_INVESTOR = ("新能源汽车零部件产业园", "长安汽车集团有限公司")


@pytest.fixture
def existing(reference_data):
    return make_project(
        area=reference_data.north,
        sector=reference_data.ev,
        investor=make_investor("长安汽车"),
        name="新能源汽车零部件产业园",
        value="5000000000",
        event=reference_data.event,
    )


def flagged_by_import(tmp_path, user, event, name, investor, *, others: int) -> list:
    """The projects an import of `others` unrelated rows and the row described says the row may be."""
    rows = [*signing_rows(others, area="北区"), [name, investor, "北区", "生物医药", 12, "2022-08-22"]]
    path = write_xlsx(tmp_path / f"list-{others}.xlsx", [CHINESE_HEADER, *rows])
    batch = import_file(path, user, event=event, commit=False)
    assert batch.rows_validated == others + 1, batch.message
    return [row.duplicate_of_id for row in batch.rows.exclude(duplicate_of=None)]


def flagged_by_form(client, user, reference_data, name, investor) -> bool:
    """Whether the project form asks about a likely duplicate before saving the project described."""
    known = Investor.objects.filter(name=investor).first()
    client.force_login(user)
    response = client.post(
        reverse("projects:project_create"),
        {
            "name": name,
            "investor": (known or make_investor(investor)).pk,
            "host_area": reference_data.north.pk,
            "sector": reference_data.bio.pk,
            "agreement_type": "contract",
            "currency": "CNY",
            "contract_value": "12",
        },
    )
    if response.status_code == 302:  # saved: nothing to ask about
        return False
    assert response.status_code == 200
    return 'id="duplicates"' in response.content.decode()


@pytest.mark.parametrize("described", [SAME_INVESTOR, OTHER_INVESTOR], ids=["same-investor", "other-investor"])
def test_the_same_pair_is_flagged_in_a_one_row_and_a_500_row_import_and_by_the_form(
    tmp_path, client, personas, reference_data, existing, described
):
    name, investor = described
    user = personas.officer_north
    assert flagged_by_import(tmp_path, user, reference_data.event, name, investor, others=0) == [existing.pk]
    assert flagged_by_import(tmp_path, user, reference_data.event, name, investor, others=499) == [existing.pk]
    assert flagged_by_form(client, user, reference_data, name, investor)


def test_a_different_project_of_the_area_is_flagged_by_neither(tmp_path, client, personas, reference_data, existing):
    user = personas.officer_north
    name, investor = "生物医药研发中心", "某某生物科技"
    assert flagged_by_import(tmp_path, user, reference_data.event, name, investor, others=0) == []
    assert not flagged_by_form(client, user, reference_data, name, investor)
