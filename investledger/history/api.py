"""/api/history/: the readable audit history of a project (with its signings) or of any audited record.

GET /api/history/project/<pk>/            a project and its signings, newest first
GET /api/history/?object=<app.model>:<pk>  any audited record, e.g. `events.signingevent:3`

The same access rule as the pages: an object the reader may not see answers 404.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError

from investledger.core import access
from investledger.core.drf import StandardPagination
from investledger.history import readable
from investledger.history.views import check_project, object_entries_for


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField(source="name", help_text=gettext_lazy("Stored field name, e.g. sector_id."))
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field; DRF's serializer metaclass takes it out of the class
    before = serializers.JSONField(help_text=gettext_lazy("Stored value before the change; null for a creation."))
    after = serializers.JSONField(help_text=gettext_lazy("Stored value after the change; null for a deletion."))
    before_display = serializers.CharField()
    after_display = serializers.CharField()


class HistoryItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    record = serializers.CharField()
    object_id = serializers.CharField()
    timestamp = serializers.DateTimeField()
    actor = serializers.CharField(source="actor_name")
    source = serializers.CharField()  # type: ignore[assignment]  # a declared field; DRF's serializer metaclass takes it out of the class
    door = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    subject = serializers.CharField()
    message = serializers.CharField()
    changes = ChangeSerializer(
        many=True,
        help_text=gettext_lazy(
            "The fields the change set, each with its value before and after. A creation (kind create) "
            "lists every field the new record has a value in, from the state recorded with it; a "
            "deletion lists every field the record had."
        ),
    )


class HistoryViewSet(viewsets.ViewSet):
    """Who changed what, when and through which door, from the audit trail."""

    permission_classes = [permissions.IsAuthenticated]
    pagination_class = StandardPagination  # the schema then documents the answers as the pages they are

    def _answer(self, request, entries):
        paginator = self.pagination_class()
        page: list | None = paginator.paginate_queryset(entries.order_by("-id"), request, view=self)
        data = HistoryItemSerializer(readable.describe(page), many=True).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        parameters=[OpenApiParameter("object", str, description="app_label.model:pk, e.g. projects.signing:12")],
        responses=HistoryItemSerializer(many=True),
    )
    def list(self, request):
        target = request.query_params.get("object", "")
        label, sep, pk = target.rpartition(":")
        if not sep or not label or not pk:
            raise ValidationError({"object": _("Name the record as app_label.model:id, e.g. projects.project:12.")})
        if label in ("project", "projects.project"):
            return self._project(request, pk)
        return self._answer(request, object_entries_for(request.user, label, pk))

    @extend_schema(
        parameters=[OpenApiParameter("project_id", int, OpenApiParameter.PATH)],
        responses=HistoryItemSerializer(many=True),
    )
    @action(detail=False, url_path=r"project/(?P<project_id>[0-9]+)")
    def project(self, request, project_id=None):
        return self._project(request, project_id)

    def _project(self, request, pk):
        if not str(pk).isdigit():
            raise Http404
        if not access.can(request.user, access.Action.VIEW):
            raise Http404
        check_project(request.user, int(pk))
        return self._answer(request, readable.project_entries(int(pk)))


ROUTES = [("history", HistoryViewSet, "history")]
