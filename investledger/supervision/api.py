"""Supervision API: /api/milestones/, /api/progress-reports/ and /api/lights/.

Reads start from `visible_to(user)` (404 outside scope). Writes call the same services as the pages:
- POST /api/milestones/<id>/record/ {actual_date, evidence_number, note, version} (files through the page);
- POST /api/progress-reports/ {project, period, funds_in_place_cny, investment_completed_cny, ...};
  funds in place above investment completed beyond the tolerance answers HTTP 400 on
  `funds_in_place_cny` until `confirm_funds_excess: true` is sent; a stale `version` answers 409.
Lights are computed, never written: /api/lights/ lists the current light of each project with the
rules that fired (`?history=1` lists every assessment).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from investledger.core.access import Action
from investledger.core.api import (
    BoundedDecimalsMixin,
    ConflictSerializer,
    ScopedReadOnlyViewSet,
    amount_field,
    edited_meanwhile,
    validation_error_from,
)
from investledger.core.related import ScopedRelatedFieldsMixin
from investledger.ledger.projects.models import Project
from investledger.supervision import rules, services
from investledger.supervision.models import EvidenceFile, LightAssessment, Milestone, ProgressReport


class EvidenceFileSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceFile
        fields = ["id", "original_name", "content_type", "size", "sha256", "download"]

    def get_download(self, obj) -> str:
        from django.urls import reverse

        return reverse("supervision:evidence_download", args=[obj.pk])


class MilestoneSerializer(serializers.ModelSerializer):
    files = EvidenceFileSerializer(many=True, read_only=True)
    is_met = serializers.BooleanField(read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "project",
            "kind",
            "planned_date",
            "actual_date",
            "is_met",
            "evidence_number",
            "evidence_status",
            "verification_comment",
            "verified_at",
            "delay_reason",
            "note",
            "recorded_on",
            "files",
            "version",
        ]


class MilestoneRecordSerializer(serializers.Serializer):
    actual_date = serializers.DateField()
    evidence_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class MilestoneViewSet(ScopedReadOnlyViewSet):
    queryset = Milestone.objects.select_related("project").prefetch_related("files")
    serializer_class = MilestoneSerializer
    filterset_fields = ["project", "kind", "evidence_status"]
    ordering_fields = ["planned_date", "actual_date"]

    @extend_schema(
        request=MilestoneRecordSerializer,
        responses={200: MilestoneSerializer, 409: OpenApiResponse(ConflictSerializer, description="changed meanwhile")},
    )
    @action(detail=True, methods=["post"], access=Action.REPORT, serializer_class=MilestoneRecordSerializer)
    def record(self, request, pk=None):
        milestone = self.get_object()
        body = MilestoneRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.milestone_record(
                milestone=milestone,
                actual_date=body.validated_data["actual_date"],
                evidence_number=body.validated_data["evidence_number"],
                note=body.validated_data["note"],
                expected_version=body.validated_data.get("version"),
                by=request.user,
            )
        except services.EditConflict as exc:
            raise edited_meanwhile(exc.current_version) from exc
        except DjangoValidationError as exc:
            raise validation_error_from(exc) from exc
        milestone.refresh_from_db()
        return Response(MilestoneSerializer(milestone).data)


class ProgressReportSerializer(BoundedDecimalsMixin, ScopedRelatedFieldsMixin, serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    is_late = serializers.BooleanField(read_only=True)
    confirm_funds_excess = serializers.BooleanField(write_only=True, required=False, default=False)
    funds_in_place_cny = amount_field()
    investment_completed_cny = amount_field()
    version = serializers.IntegerField(required=False)

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "project",
            "period",
            "funds_in_place_cny",
            "investment_completed_cny",
            "jobs_created",
            "narrative",
            "problems",
            "funds_excess_confirmed",
            "confirm_funds_excess",
            "submitted_on",
            "due_on",
            "is_late",
            "version",
        ]
        read_only_fields = ["funds_excess_confirmed", "submitted_on", "due_on"]
        validators = []  # the service files or corrects the period's report


class ProgressReportViewSet(ScopedReadOnlyViewSet):
    """List and read reports; POST files (or corrects) a project's report for a period."""

    queryset = ProgressReport.objects.select_related("project")
    serializer_class = ProgressReportSerializer
    filterset_fields = ["project", "period"]
    ordering_fields = ["period", "submitted_on"]
    access_actions = {**ScopedReadOnlyViewSet.access_actions, "create": Action.REPORT}
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        request=ProgressReportSerializer,
        responses={
            201: ProgressReportSerializer,
            409: OpenApiResponse(ConflictSerializer, description="the period's report changed meanwhile"),
        },
    )
    def create(self, request):
        body = ProgressReportSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        project = get_object_or_404(Project.objects.visible_to(request.user, Action.VIEW), pk=data["project"].pk)
        if not Project.objects.visible_to(request.user, Action.REPORT).filter(pk=project.pk).exists():
            self.permission_denied(request, message=_("You may not report on this project."))
        try:
            report = services.report_submit(
                project=project,
                period=data["period"],
                funds_in_place_cny=data["funds_in_place_cny"],
                investment_completed_cny=data["investment_completed_cny"],
                jobs_created=data.get("jobs_created") or 0,
                narrative=data.get("narrative", ""),
                problems=data.get("problems", ""),
                confirm_funds_excess=data.get("confirm_funds_excess", False),
                expected_version=data.get("version"),
                by=request.user,
            )
        except services.EditConflict as exc:
            raise edited_meanwhile(exc.current_version) from exc
        except DjangoValidationError as exc:
            raise validation_error_from(exc) from exc
        return Response(ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)


class LightSerializer(serializers.ModelSerializer):
    rule_set_version = serializers.IntegerField(source="rule_set.version", read_only=True)
    reasons = serializers.SerializerMethodField()

    class Meta:
        model = LightAssessment
        fields = [
            "id",
            "project",
            "light",
            "assessed_on",
            "is_current",
            "rule_set_version",
            "fired",
            "values",
            "reasons",
        ]

    def get_reasons(self, obj) -> list[str]:
        return rules.explain(obj.fired)


class LightViewSet(ScopedReadOnlyViewSet):
    queryset = LightAssessment.objects.select_related("rule_set")
    serializer_class = LightSerializer
    filterset_fields = ["project", "light"]
    ordering_fields = ["assessed_on", "light"]

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "list" and self.request.query_params.get("history") != "1":
            qs = qs.filter(is_current=True)
        return qs


ROUTES = [
    ("milestones", MilestoneViewSet, "milestone"),
    ("progress-reports", ProgressReportViewSet, "progress-report"),
    ("lights", LightViewSet, "light"),
]
