"""/api/areas/, /api/sectors/, /api/units/: reference data read by every user with a role.

Administrators change it (Action.MANAGE); each change is validated and audited (core/api.py).
Areas are created and changed through reference/services.py: a new `parent` moves the area with
all its sub-areas and projects into another scope. `GET /api/areas/{id}/move-preview/?new_parent=<id>`
says beforehand how many projects the move carries, and from where to where.

An administrator limited to an area changes, moves and previews moves of that area's sub-areas only,
and names only those as a parent (core/access.py, `area_q(user, "manage")`): another area answers
404 like an id that does not exist, another parent "object does not exist" like an unknown id.
"""

from __future__ import annotations

import django_filters as df
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import filters, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from investledger.core import access
from investledger.core.access import Action
from investledger.core.api import ReferenceViewSet, validation_error_from
from investledger.core.filters import ObjectIdFilter
from investledger.core.related import ScopedRelatedFieldsMixin
from investledger.reference import services
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


class ManageableParentMixin(ScopedRelatedFieldsMixin):
    """A parent named in a write is one of the areas the user may manage (else "does not exist")."""

    parent_field = "parent"

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        field = fields.get(self.parent_field)
        if field is not None and not field.read_only:
            user = getattr(request, "user", None)
            field.queryset = services.manageable(user) if user is not None else Area.objects.none()
        return fields


class AreaSerializer(ManageableParentMixin, serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Area
        fields = ["id", "code", "name", "name_en", "label", "kind", "parent", "path", "depth"]
        read_only_fields = ["path", "depth"]


class MoveQuerySerializer(ManageableParentMixin, serializers.Serializer):
    parent_field = "new_parent"
    new_parent = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all(), allow_null=True)


MovePreviewAnswer = inline_serializer(
    "AreaMovePreview",
    {
        "area": serializers.IntegerField(),
        "from_parent": serializers.IntegerField(allow_null=True),
        "to_parent": serializers.IntegerField(allow_null=True),
        "areas": serializers.IntegerField(help_text=_("The area and its sub-areas.")),
        "projects": serializers.IntegerField(help_text=_("Projects hosted in them, which change scope.")),
        "message": serializers.CharField(),
    },
)


class SectorSerializer(ScopedRelatedFieldsMixin, serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Sector
        fields = ["id", "code", "name", "name_en", "label", "parent", "strategic_emerging", "position"]


class UnitSerializer(ScopedRelatedFieldsMixin, serializers.ModelSerializer):
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

    def get_queryset(self):
        # Reads show every area; a change, move or delete finds only the areas the user may manage.
        if self.action in ("list", "retrieve", None):
            return super().get_queryset()
        return super().get_queryset().filter(access.area_q(self.request.user, Action.MANAGE))

    def perform_create(self, serializer):
        try:
            serializer.instance = services.area_create(fields=dict(serializer.validated_data), by=self.request.user)
        except DjangoValidationError as exc:
            raise validation_error_from(exc) from exc

    def perform_update(self, serializer):
        try:
            with transaction.atomic():
                services.area_update(
                    area=serializer.instance, fields=dict(serializer.validated_data), by=self.request.user
                )
        except DjangoValidationError as exc:
            raise validation_error_from(exc) from exc

    @extend_schema(
        parameters=[OpenApiParameter("new_parent", OpenApiTypes.INT, description=_("The new parent area's id."))],
        responses=MovePreviewAnswer,
    )
    @action(detail=True, methods=["get"], url_path="move-preview", access=Action.MANAGE)
    def move_preview(self, request, pk=None):
        """What moving this area under another parent would change: its sub-areas and projects."""
        area = self.get_object()
        query = MoveQuerySerializer(
            data={"new_parent": request.query_params.get("new_parent") or None}, context={"request": request}
        )
        query.is_valid(raise_exception=True)
        try:
            preview = services.area_move_preview(
                area=area, new_parent=query.validated_data["new_parent"], by=request.user
            )
        except DjangoValidationError as exc:
            raise validation_error_from(exc) from exc
        return Response(preview.as_dict())


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
