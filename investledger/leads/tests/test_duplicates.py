import pytest

from investledger.leads import services
from investledger.leads.selectors import duplicate_notes
from investledger.testing import make_investor


def test_a_second_department_is_warned_without_seeing_the_other_lead(make_lead, personas, reference_data, units):
    investor = make_investor("字节跳动")
    make_lead(investor=investor, need="regional headquarters, 20,000 m2 offices")
    with pytest.raises(services.DuplicateLeadSuspected) as warned:
        make_lead(
            by=personas.officer_south, unit=units["south"], area=reference_data.south, investor=investor, confirm=False
        )
    notes = duplicate_notes(warned.value.candidates, personas.officer_south)
    assert [n.message for n in notes] == ["Another unit is in contact with this investor; ask North Promotion Centre."]
    assert notes[0].lead is None
    admin_notes = duplicate_notes(warned.value.candidates, personas.admin)
    assert admin_notes[0].lead is not None and admin_notes[0].lead.reference in admin_notes[0].message


def test_a_prospect_typed_by_name_is_matched_to_the_investor_on_file(make_lead, personas, reference_data, units):
    make_lead(investor=make_investor("成都字节跳动科技有限公司"))
    with pytest.raises(services.DuplicateLeadSuspected) as warned:
        make_lead(
            by=personas.officer_south,
            unit=units["south"],
            area=reference_data.south,
            investor=None,
            prospect_name="字节跳动科技有限公司",
            confirm=False,
        )
    assert "similar investor name" in warned.value.candidates[0].reasons


def test_the_second_unit_may_still_open_its_lead_once_warned(make_lead, personas, reference_data, units):
    investor = make_investor("网易")
    first = make_lead(investor=investor)
    second = make_lead(by=personas.officer_south, unit=units["south"], area=reference_data.south, investor=investor)
    assert second.first_unit == units["south"] and first.first_unit == units["north"]
