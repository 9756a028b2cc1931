"""REST API of leads, scoped by the access rule: a lead outside the reader's scope is not found (404);
one they may see but not change is forbidden (403)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from investledger.core import access
from investledger.core.access import Action
from investledger.core.api import Conflict, ConflictSerializer, edited_meanwhile
from investledger.core.related import ScopedRelatedFieldsMixin
from investledger.leads import selectors, services
from investledger.leads.choices import OPEN_STAGES
from investledger.leads.filtersets import LeadFilterSet
from investledger.leads.models import Interaction, Lead, LeadStageChange, Referrer
from investledger.reference.models import Area


class StageChangeSerializer(serializers.ModelSerializer):
    by = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = LeadStageChange
        fields = ["from_stage", "to_stage", "reason", "by", "at"]


class InteractionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Interaction
        fields = ["id", "kind", "date", "people", "summary", "next_step"]


class LeadSerializer(ScopedRelatedFieldsMixin, serializers.ModelSerializer):
    areas = serializers.PrimaryKeyRelatedField(many=True, queryset=Area.objects.all())
    confirm_not_duplicate = serializers.BooleanField(write_only=True, required=False, default=False)
    stage_changes = StageChangeSerializer(many=True, read_only=True)
    interactions = InteractionSerializer(many=True, read_only=True)

    class Meta:
        model = Lead
        fields = [
            "id", "reference", "investor", "prospect_name", "sector", "size_cny", "need", "site_needs", "source",
            "referrer", "source_event", "referred_by_unit", "owning_unit", "first_unit", "officer", "areas", "stage",
            "received_on", "respond_by", "assess_by", "feedback_by", "contacted_on", "assessed_on", "fed_back_on",
            "level", "lost_reason", "lost_to", "project", "version", "confirm_not_duplicate", "stage_changes",
            "interactions",
        ]  # fmt: skip
        read_only_fields = [
            "reference", "first_unit", "stage", "respond_by", "assess_by", "feedback_by", "contacted_on",
            "assessed_on", "fed_back_on", "level", "lost_reason", "lost_to", "project", "version",
        ]  # fmt: skip
        extra_kwargs = {"received_on": {"required": False}}


class MoveSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=[s.value for s in OPEN_STAGES] + ["lost"])
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    lost_to = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class ReferrerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Referrer
        fields = [
            "id", "kind", "name", "name_en", "organisation", "area", "sectors", "agreement_date", "term_start",
            "term_end", "appointed_at", "is_demo",
        ]  # fmt: skip


def _conflict(exc: services.EditConflict) -> Conflict:
    return edited_meanwhile(
        exc.current_version,
        _("The lead changed since you read it (now version %(version)s); read it again.")
        % {"version": exc.current_version},
    )


class LeadViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = LeadSerializer
    filterset_class = LeadFilterSet
    ordering_fields = ["received_on", "respond_by", "size_cny"]

    def get_queryset(self):
        return (
            Lead.objects.visible_to(self.request.user)
            .order_by("-received_on", "-pk")
            .prefetch_related("areas", "stage_changes__by", "interactions")
        )

    @extend_schema(
        responses={
            201: LeadSerializer,
            409: OpenApiResponse(ConflictSerializer, description="another unit already follows this investor"),
        }
    )
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        if not access.can_lead(self.request.user, Action.CREATE):
            raise PermissionDenied(_("You may not open leads."))
        data = dict(serializer.validated_data)
        areas = data.pop("areas")
        confirm = data.pop("confirm_not_duplicate", False)
        try:
            serializer.instance = services.lead_create(
                fields=data, areas=areas, by=self.request.user, confirm_not_duplicate=confirm
            )
        except services.DuplicateLeadSuspected as warned:
            notes = selectors.duplicate_notes(warned.candidates, self.request.user)
            raise Conflict(" ".join(n.message for n in notes), "possible_duplicate") from warned

    @extend_schema(
        request=MoveSerializer,
        responses={
            200: LeadSerializer,
            409: OpenApiResponse(ConflictSerializer, description="the lead changed since the version sent"),
        },
    )
    @action(detail=True, methods=["post"], serializer_class=MoveSerializer)
    def move(self, request, pk=None):
        """Move the lead to another stage, or close it as lost (a reason is needed to go back or to lose it)."""
        lead = get_object_or_404(self.get_queryset(), pk=pk)
        body = MoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            if data["stage"] == "lost":
                services.lead_lose(
                    lead=lead, reason=data["reason"], lost_to=data["lost_to"], by=request.user,
                    expected_version=data.get("version"),
                )  # fmt: skip
            else:
                services.lead_move(
                    lead=lead, to_stage=data["stage"], reason=data["reason"], by=request.user,
                    expected_version=data.get("version"),
                )  # fmt: skip
        except services.EditConflict as exc:
            raise _conflict(exc) from exc
        return Response(LeadSerializer(self.get_queryset().get(pk=lead.pk), context={"request": request}).data)

    @extend_schema(request=InteractionSerializer, responses={201: InteractionSerializer})
    @action(detail=True, methods=["post"], serializer_class=InteractionSerializer)
    def interactions(self, request, pk=None):
        """Log a visit, meeting, call or site tour."""
        lead = get_object_or_404(self.get_queryset(), pk=pk)
        body = InteractionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        interaction = services.interaction_add(lead=lead, fields=dict(body.validated_data), by=request.user)
        return Response(InteractionSerializer(interaction).data, status=201)


class ReferrerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ReferrerSerializer

    def get_queryset(self):
        return Referrer.objects.visible_to(self.request.user).order_by("kind", "name").prefetch_related("sectors")


ROUTES = [
    ("leads", LeadViewSet, "lead"),
    ("referrers", ReferrerViewSet, "referrer"),
]
