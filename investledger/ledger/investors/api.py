"""/api/investors/: the enterprises that sign projects.

City-wide readers see every investor; others see the investors of the projects they may see.
District officers may add an investor (a project cannot be entered without one); changing or
deleting one, which other districts' projects share, is for administrators.
"""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters, serializers

from investledger.core.access import Action
from investledger.core.api import AuditedWriteMixin, ScopedModelViewSet
from investledger.core.related import ScopedRelatedFieldsMixin
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects.filtersets import InvestorFilterSet


class InvestorSerializer(ScopedRelatedFieldsMixin, serializers.ModelSerializer):
    # A method, not `CharField(source="parent.name", default=None)`: DRF leaves a field's default out of
    # a partial update's answer, so PATCH answered without the key the schema requires.
    parent_name = serializers.SerializerMethodField()

    class Meta:
        model = Investor
        fields = [
            "id",
            "name",
            "name_en",
            "parent",
            "parent_name",
            "origin",
            "country",
            "ownership",
            "fortune_global_500",
            "china_top_500",
            "listed",
            "notes",
            "is_demo",
        ]

    def get_parent_name(self, obj) -> str | None:
        return obj.parent.name if obj.parent_id else None


class InvestorViewSet(AuditedWriteMixin, ScopedModelViewSet):
    """Investors (客商 / 投资方)."""

    queryset = Investor.objects.select_related("parent")
    serializer_class = InvestorSerializer
    filterset_class = InvestorFilterSet
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    ordering_fields = ["name", "origin", "ownership", "id"]
    ordering = ["name", "id"]
    access_actions = {
        **ScopedModelViewSet.access_actions,
        "update": Action.MANAGE,
        "partial_update": Action.MANAGE,
        "destroy": Action.MANAGE,
    }


ROUTES = [("investors", InvestorViewSet, "investor")]
