"""/api/opportunity-lists/ and /api/opportunities/: the lists and their opportunities, within the reader's scope.

Reads start from `visible_to(user)` (a district officer sees the lists its areas publish and the
opportunities they host); writes call the services the pages call. An update must send the `version`
it read: if someone saved in between, HTTP 409 (`edited_meanwhile`) with `current_version`.
A status change is POST /api/opportunities/<id>/status/ with the reason, and the project for a signing.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from investledger.core import access
from investledger.core.api import (
    BoundedDecimalsMixin,
    ConflictSerializer,
    ScopedModelViewSet,
    VersionedUpdateMixin,
    edited_meanwhile,
    validation_error_from,
)
from investledger.core.related import ScopedRelatedFieldsMixin
from investledger.ledger.opportunities import permissions, selectors, services
from investledger.ledger.opportunities.choices import Status
from investledger.ledger.opportunities.filtersets import OpportunityFilterSet
from investledger.ledger.opportunities.models import Opportunity, OpportunityList, StatusChange
from investledger.ledger.projects.models import Project
from investledger.reference.models import Area

VERSION_HELP = gettext_lazy("The version you read; a newer one on file answers HTTP 409.")


class TotalsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    categories = serializers.IntegerField()
    value_cny = serializers.DecimalField(
        max_digits=22,
        decimal_places=2,
        allow_null=True,
        help_text="Sum of the published amounts; null when no opportunity of the list has one (undisclosed).",
    )
    approximate = serializers.BooleanField(help_text="An amount on the list is approximate or not given.")
    text = serializers.CharField(help_text="The totals said for people, in the request's language.")


class OpportunityListSerializer(ScopedRelatedFieldsMixin, serializers.ModelSerializer):
    totals = serializers.SerializerMethodField()

    class Meta:
        model = OpportunityList
        fields = ["id", *services.LIST_FIELDS, "version", "totals", "created", "updated"]
        read_only_fields = ["version", "totals", "created", "updated"]

    @extend_schema_field(TotalsSerializer)
    def get_totals(self, obj) -> dict:
        known = self.context.get("totals_by_list")
        if known is not None:  # a page of lists: their totals were computed together, in one query
            totals = known.get(obj.pk) or selectors.Totals(0, Decimal("0"), False)
        else:
            user = self.context["request"].user
            totals = selectors.list_totals(Opportunity.objects.visible_to(user).filter(list=obj))
        return TotalsSerializer(
            {
                "count": totals.count,
                "categories": totals.categories,
                "value_cny": None if totals.undisclosed else totals.value_cny,
                "approximate": totals.approximate,
                "text": totals.text,
            }
        ).data

    def validate_publishing_area(self, area):
        action = permissions.UPDATE if self.instance is not None else permissions.CREATE
        if self.instance is not None and self.instance.publishing_area_id == area.pk:
            return area
        if not Area.objects.filter(access.area_q(self.context["request"].user, action), pk=area.pk).exists():
            raise serializers.ValidationError(_("You may not publish lists for %(area)s.") % {"area": area})
        return area


class OpportunityListUpdateSerializer(OpportunityListSerializer):
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)

    class Meta(OpportunityListSerializer.Meta):
        read_only_fields = ["totals", "created", "updated"]


class OpportunitySerializer(BoundedDecimalsMixin, ScopedRelatedFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Opportunity
        fields = [
            "id",
            "list",
            *services.OPPORTUNITY_FIELDS,
            "sectors",
            "estimated_value_cny",
            "status",
            "status_on",
            "project",
            "version",
            "created",
            "updated",
        ]
        read_only_fields = ["estimated_value_cny", "status", "status_on", "project", "version", "created", "updated"]

    def validate_host_area(self, area):
        action = permissions.UPDATE if self.instance is not None else permissions.CREATE
        if self.instance is not None and self.instance.host_area_id == area.pk:
            return area
        if not Area.objects.filter(access.area_q(self.context["request"].user, action), pk=area.pk).exists():
            raise serializers.ValidationError(_("You may not place opportunities in %(area)s.") % {"area": area})
        return area

    def validate_list(self, opportunity_list):
        user = self.context["request"].user
        if not OpportunityList.objects.visible_to(user, permissions.UPDATE).filter(pk=opportunity_list.pk).exists():
            raise serializers.ValidationError(_("You may not add opportunities to this list."))
        return opportunity_list


class OpportunityUpdateSerializer(OpportunitySerializer):
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)

    class Meta(OpportunitySerializer.Meta):
        read_only_fields = ["list", "estimated_value_cny", "status", "status_on", "project", "created", "updated"]


class StatusChangeSerializer(ScopedRelatedFieldsMixin, serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=Status.choices, source="to_status")
    on = serializers.DateField(source="changed_on", required=False, allow_null=True)
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all(), required=False, allow_null=True)
    version = serializers.IntegerField(min_value=1, required=False, write_only=True, help_text=VERSION_HELP)

    class Meta:
        model = StatusChange
        fields = ["id", "from_status", "status", "on", "reason", "project", "version"]
        read_only_fields = ["id", "from_status"]


CONFLICT_DETAIL = gettext_lazy("Someone else saved this record meanwhile. Read it again and re-apply your change.")


def _conflict(exc: services.EditConflict):
    return edited_meanwhile(exc.current_version, CONFLICT_DETAIL)


CONFLICT = OpenApiResponse(ConflictSerializer, description="edited meanwhile")


@extend_schema_view(
    update=extend_schema(
        request=OpportunityListUpdateSerializer, responses={200: OpportunityListSerializer, 409: CONFLICT}
    ),
    partial_update=extend_schema(
        request=OpportunityListUpdateSerializer, responses={200: OpportunityListSerializer, 409: CONFLICT}
    ),
)
class OpportunityListViewSet(VersionedUpdateMixin, ScopedModelViewSet):
    """Opportunity lists (机会清单), with their totals computed from the opportunities the reader may see."""

    queryset = OpportunityList.objects.all()
    serializer_class = OpportunityListSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    access_actions = {**ScopedModelViewSet.access_actions, "create": permissions.CREATE, "update": permissions.UPDATE}

    def get_queryset(self):
        return super().get_queryset().order_by("-released_on", "-id")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        lists = list(page) if page is not None else list(self.filter_queryset(self.get_queryset()))
        visible = Opportunity.objects.visible_to(request.user).filter(list__in=lists)
        context = {**self.get_serializer_context(), "totals_by_list": selectors.totals_by_list(visible)}
        data = OpportunityListSerializer(lists, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def create(self, request, *args, **kwargs):
        serializer = OpportunityListSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        try:
            created = services.list_create(fields=dict(serializer.validated_data))
        except DjangoValidationError as exc:
            raise validation_error_from(exc) from exc
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)

    update_serializer = OpportunityListUpdateSerializer
    conflict_detail = CONFLICT_DETAIL

    def save_edit(self, instance, data: dict, version: int):
        return services.list_update(opportunity_list=instance, fields=data, expected_version=version)


@extend_schema_view(
    update=extend_schema(request=OpportunityUpdateSerializer, responses={200: OpportunitySerializer, 409: CONFLICT}),
    partial_update=extend_schema(
        request=OpportunityUpdateSerializer, responses={200: OpportunitySerializer, 409: CONFLICT}
    ),
)
class OpportunityViewSet(VersionedUpdateMixin, ScopedModelViewSet):
    """Opportunities (招商项目) hosted in the reader's areas, with the catalogue's filters."""

    queryset = Opportunity.objects.all()
    serializer_class = OpportunitySerializer
    filterset_class = OpportunityFilterSet
    filter_backends = [DjangoFilterBackend]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    access_actions = {**ScopedModelViewSet.access_actions, "create": permissions.CREATE, "update": permissions.UPDATE}

    def get_queryset(self):
        return super().get_queryset().select_related("list").prefetch_related("sectors").order_by("list", "id")

    def create(self, request, *args, **kwargs):
        serializer = OpportunitySerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        opportunity_list = data.pop("list")
        sectors = list(data.pop("sectors", []))
        try:
            created = services.opportunity_create(opportunity_list=opportunity_list, fields=data, sectors=sectors)
        except DjangoValidationError as exc:
            raise validation_error_from(exc) from exc
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)

    update_serializer = OpportunityUpdateSerializer
    conflict_detail = CONFLICT_DETAIL

    def save_edit(self, instance, data: dict, version: int):
        sectors = data.pop("sectors", None)
        return services.opportunity_update(
            opportunity=instance,
            fields=data,
            sectors=list(sectors) if sectors is not None else None,
            expected_version=version,
        )

    @extend_schema(request=StatusChangeSerializer, responses={201: StatusChangeSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="status", access=permissions.SET_STATUS)
    def change_status(self, request, pk=None):
        """Move the opportunity to in talks, signed (naming its project) or withdrawn, with the reason."""
        opportunity = self.get_object()
        serializer = StatusChangeSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            change = services.opportunity_set_status(
                opportunity=opportunity,
                status=data["to_status"],
                reason=data.get("reason", ""),
                project=data.get("project"),
                on=data.get("changed_on"),
                expected_version=data.get("version"),
            )
        except services.EditConflict as exc:
            raise _conflict(exc) from exc
        except DjangoValidationError as exc:
            raise validation_error_from(exc) from exc
        return Response(StatusChangeSerializer(change).data, status=status.HTTP_201_CREATED)


ROUTES = [
    ("opportunity-lists", OpportunityListViewSet, "opportunitylist"),
    ("opportunities", OpportunityViewSet, "opportunity"),
]
