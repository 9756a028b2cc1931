"""/api/investors/: the enterprises that sign projects.

City-wide readers see every investor; others see the investors of the projects they may see.
District officers may add an investor (a project cannot be entered without one); changing or
deleting one, which other districts' projects share, is for administrators.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, serializers

from investledger.core.access import Action
from investledger.core.api import (
    VERSION_HELP,
    AuditedWriteMixin,
    ConflictSerializer,
    ScopedModelViewSet,
    VersionedUpdateMixin,
    validation_error_from,
)
from investledger.core.related import ScopedRelatedFieldsMixin
from investledger.ledger.investors import services
from investledger.ledger.investors.filtersets import InvestorFilterSet
from investledger.ledger.investors.models import Investor


class InvestorSerializer(ScopedRelatedFieldsMixin, serializers.ModelSerializer):
    # A method, not `CharField(source="parent.name", default=None)`: DRF leaves a field's default out of
    # a partial update's answer, so PATCH answered without the key the schema requires.
    parent_name = serializers.SerializerMethodField()

    class Meta:
        model = Investor
        fields = [
            "id",
            *services.INVESTOR_FIELDS,
            "parent_name",
            "version",
        ]

    def get_parent_name(self, obj) -> str | None:
        return obj.parent.name if obj.parent_id else None


class InvestorUpdateSerializer(InvestorSerializer):
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


@extend_schema_view(
    update=extend_schema(
        request=InvestorUpdateSerializer, responses={200: InvestorSerializer, 409: ConflictSerializer}
    ),
    partial_update=extend_schema(
        request=InvestorUpdateSerializer, responses={200: InvestorSerializer, 409: ConflictSerializer}
    ),
)
class InvestorViewSet(VersionedUpdateMixin, AuditedWriteMixin, ScopedModelViewSet):
    """Investors (客商 / 投资方). Written through investors/services.py; an update sends the `version` it
    read: 409 when someone saved meanwhile."""

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
    update_serializer = InvestorUpdateSerializer

    def perform_create(self, serializer):
        try:
            serializer.instance = services.investor_create(**serializer.validated_data)
        except DjangoValidationError as exc:
            raise validation_error_from(exc) from exc

    def save_edit(self, instance, data: dict, version: int):
        return services.investor_update(investor=instance, fields=data, expected_version=version)


ROUTES = [("investors", InvestorViewSet, "investor")]
