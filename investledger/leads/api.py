"""REST API of leads, scoped by the access rule: a lead outside the reader's scope is not found (404);
one they may see but not change is forbidden (403)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from investledger.core.access import Action
from investledger.core.api import (
    Conflict,
    ConflictSerializer,
    ScopedReadOnlyViewSet,
    amount_field,
    edited_meanwhile,
)
from investledger.core.related import ScopedRelatedFieldsMixin
from investledger.leads import selectors, services
from investledger.leads.choices import OPEN_STAGES
from investledger.leads.filtersets import LeadFilterSet
from investledger.leads.models import Interaction, Lead, LeadStageChange, Referral, Referrer
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.projects.api import _duplicate_answer as duplicate_answer
from investledger.ledger.projects.models import Project
from investledger.reference.models import Area, Sector, Unit


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
            "level", "lost_reason", "lost_to", "project", "opportunity", "interest", "version",
            "confirm_not_duplicate", "stage_changes", "interactions",
        ]  # fmt: skip
        read_only_fields = [
            "reference", "first_unit", "stage", "respond_by", "assess_by", "feedback_by", "contacted_on",
            "assessed_on", "fed_back_on", "level", "lost_reason", "lost_to", "project", "opportunity", "interest",
            "version",
        ]  # fmt: skip
        extra_kwargs = {"received_on": {"required": False}}


class MoveSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=[s.value for s in OPEN_STAGES] + ["lost"])
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    lost_to = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class ShareSerializer(ScopedRelatedFieldsMixin, serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    referrer = serializers.PrimaryKeyRelatedField(queryset=Referrer.objects.all(), required=False, allow_null=True)
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100))


class NewProjectSerializer(ScopedRelatedFieldsMixin, serializers.Serializer):
    name = serializers.CharField(max_length=300)
    host_area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all())
    sector = serializers.PrimaryKeyRelatedField(queryset=Sector.objects.all())
    contract_value_cny = amount_field(required=False, allow_null=True, help_text="null: the amount is undisclosed")
    event = serializers.PrimaryKeyRelatedField(queryset=SigningEvent.objects.all(), required=False, allow_null=True)
    signed_on = serializers.DateField(required=False, allow_null=True, help_text="defaults to the event's date")
    confirm_not_duplicate = serializers.BooleanField(required=False, default=False)


class ConvertSerializer(ScopedRelatedFieldsMixin, serializers.Serializer):
    """Sign the lead: `project` (the id of a project already in the ledger) or `new_project` (created
    by the projects service), and the credit split (shares of units and referrers adding to 100)."""

    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all(), required=False, allow_null=True)
    new_project = NewProjectSerializer(required=False, allow_null=True)
    shares = ShareSerializer(many=True)
    version = serializers.IntegerField(required=False)


class ReferSerializer(serializers.Serializer):
    to_unit = serializers.IntegerField(help_text="the unit the lead is referred to")
    reason = serializers.CharField(max_length=5000, allow_blank=True)


class ReferralSerializer(serializers.ModelSerializer):
    class Meta:
        model = Referral
        fields = [
            "id", "lead", "from_unit", "to_unit", "reason", "status", "answer", "referred_at", "answered_at",
        ]  # fmt: skip
        read_only_fields = fields


class AnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    answer = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


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


CONFLICT = OpenApiResponse(ConflictSerializer, description="the lead changed since the version sent")


class LeadViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Leads in the reader's scope (404 outside it); a write on a lead the user may see but not change
    is 403. Every write goes through `leads.services`, as the pages' do."""

    queryset = Lead.objects.all()
    serializer_class = LeadSerializer
    filterset_class = LeadFilterSet
    ordering_fields = ["received_on", "respond_by", "size_cny"]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .order_by("-received_on", "-pk")
            .prefetch_related("areas", "stage_changes__by", "interactions")
        )

    def _read(self, lead: Lead):
        return LeadSerializer(self.get_queryset().get(pk=lead.pk), context={"request": self.request}).data

    @extend_schema(
        responses={
            201: LeadSerializer,
            409: OpenApiResponse(ConflictSerializer, description="another unit already follows this investor"),
        }
    )
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
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

    @extend_schema(request=MoveSerializer, responses={200: LeadSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], serializer_class=MoveSerializer, access=Action.CHANGE)
    def move(self, request, pk=None):
        """Move the lead to another stage, or close it as lost (a reason is needed to go back or to lose it)."""
        lead = self.get_object()
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
        return Response(self._read(lead))

    @extend_schema(request=InteractionSerializer, responses={201: InteractionSerializer})
    @action(detail=True, methods=["post"], serializer_class=InteractionSerializer, access=Action.CHANGE)
    def interactions(self, request, pk=None):
        """Log a visit, meeting, call or site tour."""
        lead = self.get_object()
        body = InteractionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        interaction = services.interaction_add(lead=lead, fields=dict(body.validated_data), by=request.user)
        return Response(InteractionSerializer(interaction).data, status=201)

    @extend_schema(
        request=ConvertSerializer,
        responses={
            200: LeadSerializer,
            409: OpenApiResponse(
                ConflictSerializer,
                description="the lead changed meanwhile (`edited_meanwhile`), or the new project looks like one on "
                "file (`possible_duplicate`, with `possible_duplicates` and `hidden_duplicates` as POST /api/projects/ "
                "gives them)",
            ),
        },
    )
    @action(detail=True, methods=["post"], serializer_class=ConvertSerializer, access=Action.CHANGE)
    def convert(self, request, pk=None):
        """Sign the lead as a project already in the ledger, or as a new project created by the projects
        service, with the credit split between units and referrers (100 % in all)."""
        lead = self.get_object()
        body = ConvertSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        new = data.get("new_project")
        new_project = None
        if new:
            new_project = services.NewProject(
                name=new["name"],
                host_area=new["host_area"],
                sector=new["sector"],
                contract_value=new.get("contract_value_cny"),
                event=new.get("event"),
                signed_on=new.get("signed_on") or (new["event"].date if new.get("event") else None),
                confirm_not_duplicate=new.get("confirm_not_duplicate", False),
            )
        shares = [
            {"unit": s.get("unit"), "referrer": s.get("referrer"), "percent": s["percent"]} for s in data["shares"]
        ]
        try:
            services.lead_convert(
                lead=lead, project=data.get("project"), new_project=new_project, shares=shares, by=request.user,
                expected_version=data.get("version"),
            )  # fmt: skip
        except services.EditConflict as exc:
            raise _conflict(exc) from exc
        except services.DuplicateSuspected as exc:
            raise duplicate_answer(exc, request.user) from exc
        return Response(self._read(lead))

    @extend_schema(request=ReferSerializer, responses={201: ReferralSerializer})
    @action(detail=True, methods=["post"], serializer_class=ReferSerializer, access=Action.CHANGE)
    def refer(self, request, pk=None):
        """Refer the lead to another unit, which is told and accepts or declines it."""
        lead = self.get_object()
        body = ReferSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        referral = services.referral_make(
            lead=lead, to_unit_id=str(body.validated_data["to_unit"]), reason=body.validated_data["reason"],
            by=request.user,
        )  # fmt: skip
        return Response(ReferralSerializer(referral).data, status=201)


class ReferralViewSet(ScopedReadOnlyViewSet):
    """Referrals of the leads in the reader's scope; the unit a lead went to answers it."""

    queryset = Referral.objects.select_related("lead").order_by("-referred_at", "-pk")
    serializer_class = ReferralSerializer

    @extend_schema(request=AnswerSerializer, responses={200: ReferralSerializer})
    @action(detail=True, methods=["post"], serializer_class=AnswerSerializer, access=Action.VIEW)
    def answer(self, request, pk=None):
        """Accept the lead (the unit becomes its owner) or decline it, saying why. Only the unit the lead
        was referred to answers (403 for others who may see it)."""
        referral = self.get_object()
        if not services.may_answer(request.user, referral):
            raise PermissionDenied(_("Only the unit the lead was referred to answers the referral."))
        body = AnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.referral_answer(
            referral=referral, accept=body.validated_data["accept"], answer=body.validated_data["answer"],
            by=request.user,
        )  # fmt: skip
        return Response(ReferralSerializer(Referral.objects.get(pk=referral.pk)).data)


class ReferrerViewSet(ScopedReadOnlyViewSet):
    queryset = Referrer.objects.order_by("kind", "name").prefetch_related("sectors")
    serializer_class = ReferrerSerializer


ROUTES = [
    ("leads", LeadViewSet, "lead"),
    ("referrals", ReferralViewSet, "referral"),
    ("referrers", ReferrerViewSet, "referrer"),
]
