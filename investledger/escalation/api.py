"""REST API of the issue register, notices, inspections and the user's own notifications."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from investledger.core.access import Action, area_q
from investledger.core.api import Conflict, ConflictSerializer, edited_meanwhile
from investledger.core.related import ScopedRelatedFieldsMixin
from investledger.escalation import notifications, permissions, services
from investledger.escalation.filtersets import (
    InspectionFilterSet,
    IssueFilterSet,
    NoticeFilterSet,
    NotificationFilterSet,
)
from investledger.escalation.models import EscalationStep, Inspection, Issue, IssueResponse, Notice, Notification
from investledger.ledger.projects.models import Project
from investledger.reference.models import Area


class IssueResponseSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField(allow_null=True)  # a response recorded by the system has none

    class Meta:
        model = IssueResponse
        fields = ["kind", "text", "author", "unit", "at"]


class EscalationStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = EscalationStep
        fields = ["from_level", "to_level", "missed_step", "missed_deadline", "reason", "escalated_on"]


class IssueSerializer(ScopedRelatedFieldsMixin, serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none())
    overdue = serializers.SerializerMethodField()
    responses = IssueResponseSerializer(many=True, read_only=True)
    escalations = EscalationStepSerializer(many=True, read_only=True)

    class Meta:
        model = Issue
        fields = [
            "id", "reference", "title", "description", "category", "project", "responsible_unit", "raised_by",
            "raised_on", "respond_by", "assess_by", "resolve_by", "level", "status", "responded_on", "assessed_on",
            "closed_on", "resolution", "version", "overdue", "responses", "escalations",
        ]  # fmt: skip
        read_only_fields = [
            "reference", "raised_by", "raised_on", "respond_by", "assess_by", "resolve_by", "level", "status",
            "responded_on", "assessed_on", "closed_on", "resolution", "version",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Only projects the user can see are valid choices; others answer "does not exist".
            self.fields["project"].queryset = Project.objects.visible_to(request.user)

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()


class StepSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    version = serializers.IntegerField(required=False)


class CloseSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=5000)
    version = serializers.IntegerField(required=False)


def _step_schema(body):
    return extend_schema(
        request=body,
        responses={
            200: IssueSerializer,
            409: OpenApiResponse(ConflictSerializer, description="the issue changed since the version sent"),
        },
    )


def _conflict(exc: services.EditConflict) -> Conflict:
    return edited_meanwhile(
        exc.current_version,
        _("The issue changed since you read it (now version %(version)s); read it again.")
        % {"version": exc.current_version},
    )


class IssueViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = IssueSerializer
    filterset_class = IssueFilterSet
    ordering_fields = ["raised_on", "resolve_by", "level"]

    def get_queryset(self):
        return (
            Issue.objects.visible_to(self.request.user)
            .select_related("project", "responsible_unit")
            .prefetch_related("responses__author", "escalations")
        )

    def perform_create(self, serializer):
        project = serializer.validated_data.pop("project")
        if not permissions.may_raise(self.request.user, project):
            raise PermissionDenied("You may not raise issues on this project.")
        serializer.instance = services.issue_raise(
            project=project, fields=dict(serializer.validated_data), by=self.request.user
        )

    def _step(self, request, pk, step):
        issue = get_object_or_404(self.get_queryset(), pk=pk)
        if not permissions.may_take(request.user, issue, step):
            raise PermissionDenied("You may not do this on this issue.")
        body = (CloseSerializer if step == "close" else StepSerializer)(data=request.data)
        body.is_valid(raise_exception=True)
        version = body.validated_data.get("version")
        try:
            if step == "respond":
                services.issue_respond(
                    issue=issue, by=request.user, text=body.validated_data["text"], expected_version=version
                )
            elif step == "assess":
                services.issue_assess(
                    issue=issue, by=request.user, text=body.validated_data["text"], expected_version=version
                )
            else:
                services.issue_close(
                    issue=issue, by=request.user, resolution=body.validated_data["resolution"], expected_version=version
                )
        except services.EditConflict as exc:
            raise _conflict(exc) from exc
        return Response(IssueSerializer(self.get_queryset().get(pk=issue.pk), context={"request": request}).data)

    @_step_schema(StepSerializer)
    @action(detail=True, methods=["post"], serializer_class=StepSerializer)
    def respond(self, request, pk=None):
        return self._step(request, pk, "respond")

    @_step_schema(StepSerializer)
    @action(detail=True, methods=["post"], serializer_class=StepSerializer)
    def assess(self, request, pk=None):
        return self._step(request, pk, "assess")

    @_step_schema(CloseSerializer)
    @action(detail=True, methods=["post"], serializer_class=CloseSerializer)
    def close(self, request, pk=None):
        return self._step(request, pk, "close")


class NoticeSerializer(ScopedRelatedFieldsMixin, serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none(), required=False, allow_null=True)

    class Meta:
        model = Notice
        fields = [
            "id", "reference", "colour", "subject", "body", "area", "project", "issue", "deadline", "issued_by",
            "issued_on", "status", "acknowledged_by", "acknowledged_on", "acknowledgement",
        ]  # fmt: skip
        read_only_fields = [
            "reference", "issued_by", "issued_on", "status", "acknowledged_by", "acknowledged_on", "acknowledgement", "issue",
        ]  # fmt: skip
        extra_kwargs = {"area": {"required": False}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["project"].queryset = Project.objects.visible_to(request.user, Action.SUPERVISE)

    def validate(self, attrs):
        if not attrs.get("project") and not attrs.get("area"):
            raise serializers.ValidationError({"area": ["Give the project or the area this notice is about."]})
        return attrs


class AcknowledgeSerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=5000)


class NoticeViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = NoticeSerializer
    filterset_class = NoticeFilterSet

    def get_queryset(self):
        return Notice.objects.visible_to(self.request.user).select_related("area", "project")

    def perform_create(self, serializer):
        if not permissions.may_supervise(self.request.user):
            raise PermissionDenied("Only supervisors and administrators issue notices.")
        area = serializer.validated_data.get("area")
        if area is not None and not serializer.validated_data.get("project"):
            if not Area.objects.filter(area_q(self.request.user, Action.SUPERVISE), pk=area.pk).exists():
                raise PermissionDenied("You may not supervise this area.")
        serializer.instance = services.notice_issue(fields=dict(serializer.validated_data), by=self.request.user)

    @extend_schema(request=AcknowledgeSerializer, responses=NoticeSerializer)
    @action(detail=True, methods=["post"], serializer_class=AcknowledgeSerializer)
    def acknowledge(self, request, pk=None):
        notice = get_object_or_404(self.get_queryset(), pk=pk)
        if not permissions.may_acknowledge(request.user, notice):
            raise PermissionDenied("Only the district this notice is addressed to acknowledges it.")
        body = AcknowledgeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.notice_acknowledge(notice=notice, by=request.user, reply=body.validated_data["reply"])
        return Response(NoticeSerializer(self.get_queryset().get(pk=notice.pk), context={"request": request}).data)


class InspectionSerializer(ScopedRelatedFieldsMixin, serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none())
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = ["id", "project", "kind", "visited_on", "inspectors", "findings", "outcome", "recorded_by", "photos"]
        read_only_fields = ["recorded_by"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["project"].queryset = Project.objects.visible_to(request.user)

    def get_photos(self, obj) -> list[str]:
        from django.urls import reverse

        return [reverse("escalation:photo", args=[p.pk]) for p in obj.photos.all()]


class InspectionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilterSet

    def get_queryset(self):
        return Inspection.objects.visible_to(self.request.user).select_related("project").prefetch_related("photos")

    def perform_create(self, serializer):
        if not permissions.may_inspect(self.request.user, serializer.validated_data["project"]):
            raise PermissionDenied("Only supervisors and administrators record inspections.")
        serializer.instance = services.inspection_record(fields=dict(serializer.validated_data), by=self.request.user)


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "body", "link", "created_at", "read_at"]
        read_only_fields = fields


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The signed-in user's own notifications; `POST .../read/` marks one read, `POST read_all/` all."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet

    def get_queryset(self):
        return Notification.objects.visible_to(self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        note = get_object_or_404(self.get_queryset(), pk=pk)
        notifications.mark_read(request.user, [note.pk])
        note.refresh_from_db()
        return Response(NotificationSerializer(note).data)

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["post"])
    def read_all(self, request):
        return Response({"marked_read": notifications.mark_read(request.user)})


ROUTES = [
    ("issues", IssueViewSet, "issue"),
    ("notices", NoticeViewSet, "notice"),
    ("inspections", InspectionViewSet, "inspection"),
    ("notifications", NotificationViewSet, "notification"),
]
