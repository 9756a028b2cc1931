"""The bureau's weights: defaults until saved, each change versioned and audited."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from investledger.core.audit import audit_context
from investledger.core.models import AuditEntry
from investledger.core.versions import EditConflict
from investledger.matching import services
from investledger.matching.models import MatchWeights

pytestmark = pytest.mark.django_db


def update(**kwargs):
    with audit_context(source="test"):
        return services.weights_update(**kwargs)


def test_the_default_weights_add_up_to_a_hundred():
    assert MatchWeights.current().total == Decimal(100)
    assert not MatchWeights.objects.exists()


def test_a_change_is_versioned_and_audited():
    update(values={"sector": Decimal(50)})
    weights = update(values={"text": Decimal(0)}, expected_version=1)
    assert (weights.version, MatchWeights.current().sector, MatchWeights.current().text) == (2, 50, 0)
    kinds = list(AuditEntry.objects.filter(object_repr="Match weights").values_list("kind", flat=True))
    assert kinds == [AuditEntry.Kind.CREATE, AuditEntry.Kind.UPDATE]


def test_an_edit_on_an_older_version_is_refused():
    update(values={"sector": Decimal(50)})
    update(values={"sector": Decimal(40)}, expected_version=1)
    with pytest.raises(EditConflict):
        update(values={"sector": Decimal(30)}, expected_version=1)


def test_it_refuses_a_weight_past_a_hundred_or_below_zero():
    with pytest.raises(ValidationError) as refused:
        update(values={"size": Decimal(101), "mode": Decimal(-1)})
    assert {"size", "mode"} <= set(refused.value.message_dict)
    assert not MatchWeights.objects.exists()
