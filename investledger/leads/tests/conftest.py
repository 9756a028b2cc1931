import pytest

from investledger.core.audit import audit_context
from investledger.leads import services
from investledger.leads.choices import LeadSource
from investledger.reference.models import Unit
from investledger.testing import make_investor


@pytest.fixture
def units(reference_data):
    """A promotion unit in each district: the owners of their districts' leads."""
    north = Unit.objects.create(
        code="north-promo",
        name="北区投促中心",
        name_en="North Promotion Centre",
        kind="committee",
        area=reference_data.north,
    )
    south = Unit.objects.create(
        code="south-promo",
        name="南区投促中心",
        name_en="South Promotion Centre",
        kind="committee",
        area=reference_data.south,
    )
    return {"north": north, "south": south}


@pytest.fixture
def make_lead(reference_data, units, personas):
    def make(*, by=None, unit=None, area=None, confirm=True, **fields):
        by = by or personas.officer_north
        fields.setdefault("investor", make_investor())
        fields.setdefault("source", LeadSource.WALK_IN)
        fields.setdefault("sector", reference_data.ev)
        with audit_context(actor=by, source="test"):
            return services.lead_create(
                fields={"owning_unit": unit or units["north"], **fields},
                areas=[area or reference_data.north],
                by=by,
                confirm_not_duplicate=confirm,
            )

    return make
