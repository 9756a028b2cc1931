"""/api/areas/, /api/sectors/, /api/units/: reference data read by every user with a role.

Administrators change it (Action.MANAGE); each change is validated and audited (core/api.py).
"""

from __future__ import annotations

import django_filters as df
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters, serializers

from investledger.core.api import ReferenceViewSet
from investledger.core.filters import ObjectIdFilter
from investledger.reference.models import Area, Sector, Unit

SEARCH = ["name", "name_en", "code"]


class AreaFilterSet(df.FilterSet):
    within = ObjectIdFilter(queryset=Area.objects.all(), method="filter_within", label=_("Within area"))

    class Meta:
        model = Area
        fields = ["kind", "parent", "depth"]

    def filter_within(self, queryset, name, area: Area):
        """The area and all its sub-areas."""
        return queryset.filter(path__startswith=area.path) if area else queryset


class AreaSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Area
        fields = ["id", "code", "name", "name_en", "label", "kind", "parent", "path", "depth"]
        read_only_fields = ["path", "depth"]


class SectorSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Sector
        fields = ["id", "code", "name", "name_en", "label", "parent", "strategic_emerging", "position"]


class UnitSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "name_en", "label", "kind", "area"]


class _ReferenceBase(ReferenceViewSet):
    filter_backends = [DjangoFilterBackend, filters.SearchFilter, filters.OrderingFilter]
    search_fields = SEARCH


class AreaViewSet(_ReferenceBase):
    """Areas: the city, its districts and counties, their zones and parks (`within` = a subtree)."""

    queryset = Area.objects.all()
    serializer_class = AreaSerializer
    filterset_class = AreaFilterSet
    ordering_fields = ["path", "code", "name", "depth"]
    ordering = ["path"]


class SectorViewSet(_ReferenceBase):
    """The city's sector taxonomy (industry chains), flagged where strategic emerging."""

    queryset = Sector.objects.all()
    serializer_class = SectorSerializer
    filterset_fields = ["parent", "strategic_emerging"]
    ordering_fields = ["position", "code", "name"]
    ordering = ["position", "code"]


class UnitViewSet(_ReferenceBase):
    """Departments that lead projects or must act on their issues."""

    queryset = Unit.objects.select_related("area")
    serializer_class = UnitSerializer
    filterset_fields = ["kind", "area"]
    ordering_fields = ["code", "name"]
    ordering = ["code"]


ROUTES = [
    ("areas", AreaViewSet, "area"),
    ("sectors", SectorViewSet, "sector"),
    ("units", UnitViewSet, "unit"),
]
