"""API: POST /api/imports/ uploads a file, which the worker reads and checks (GET /api/imports/{id}/
to follow its status); /api/imports/{id}/commit/ writes it; /api/imports/{id}/rerun/ runs a failed
one again."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from investledger.core import access
from investledger.core.api import Conflict, ConflictSerializer
from investledger.core.audit import audit_context
from investledger.core.related import ScopedRelatedFieldsMixin
from investledger.intake import kinds, preview, services, stale
from investledger.intake.fields import Kind
from investledger.intake.models import ImportBatch, ImportRow
from investledger.intake.parsing import SheetError
from investledger.ledger.events.models import SigningEvent


class ImportRowSerializer(serializers.ModelSerializer):
    duplicate_of = serializers.SlugRelatedField(slug_field="reference", read_only=True, allow_null=True)
    project = serializers.SlugRelatedField(slug_field="reference", read_only=True, allow_null=True)

    class Meta:
        model = ImportRow
        fields = ["number", "values", "errors", "warnings", "duplicate_of", "resolution", "outcome", "project"]


class ImportBatchSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.StringRelatedField()

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "kind",
            "source",
            "file_name",
            "file_size",
            "status",
            "message",
            "header_row",
            "headers",
            "mapping",
            "mapping_remembered",
            "rows_total",
            "rows_read",
            "rows_validated",
            "rows_written",
            "error_count",
            "warning_count",
            "new_count",
            "existing_count",
            "uploaded_by",
            "created",
            "committed_at",
        ]
        read_only_fields = fields


class UploadSerializer(ScopedRelatedFieldsMixin, serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=kinds.sheet_choices(), default=Kind.SIGNINGS)
    source = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    event = serializers.PrimaryKeyRelatedField(queryset=SigningEvent.objects.all(), required=False, allow_null=True)
    mapping = serializers.JSONField(required=False, help_text="column index → field; the guessed mapping if absent")


class CommitSerializer(serializers.Serializer):
    decisions = serializers.DictField(
        child=serializers.ChoiceField(choices=["same", "new", "confirm"]),
        required=False,
        help_text="row number → same|new (likely duplicates) or confirm (progress figures above the tolerance)",
    )
    duplicates = serializers.ChoiceField(choices=["same", "new"], required=False, help_text="decision for all rows")
    confirm_all = serializers.BooleanField(
        required=False, default=False, help_text="progress sheets: confirm every row whose funds exceed the investment"
    )


class ImportBatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Imports the user may see (those of their areas). Create uploads and checks; commit writes."""

    serializer_class = ImportBatchSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return ImportBatch.objects.visible_to(self.request.user).select_related("uploaded_by")

    def _actionable(self, pk):
        batch = get_object_or_404(self.get_queryset(), pk=pk)
        action = services.upload_action(batch.kind)
        if not ImportBatch.objects.visible_to(self.request.user, action).filter(pk=batch.pk).exists():
            raise PermissionDenied
        return batch

    @extend_schema(request=UploadSerializer, responses={201: ImportBatchSerializer})
    def create(self, request):
        """Store a file (refused at once past the size limit or when it is no .xlsx or .csv); the
        worker then reads it, confirms the mapping (the one given, else the guessed one) and checks
        every row: the batch goes from "reading" and "validating" to "validated", or to "failed" with
        the reason in `message` (a file that cannot be read, a required field no column maps to, past
        INTAKE_READ_SECONDS)."""
        if not access.can(request.user, services.upload_action(request.data.get("kind") or Kind.SIGNINGS)):
            raise PermissionDenied
        upload = UploadSerializer(data=request.data, context=self.get_serializer_context())
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        with audit_context(actor=request.user, source="api:import"):
            try:
                batch = services.batch_store(
                    user=request.user,
                    uploaded=data["file"],
                    file_name=data["file"].name,
                    kind=data["kind"],
                    source=data.get("source", ""),
                    event=data.get("event"),
                )
            except SheetError as exc:
                return Response({"file": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
            # The worker reads the file, confirms the mapping and checks every row; GET the batch to follow.
            batch = services.batch_start_reading(batch, mapping=data.get("mapping") or None, check=True)
        return Response(ImportBatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("problems", bool, description="only rows with errors or warnings")],
        responses=ImportRowSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def rows(self, request, pk=None):
        batch = get_object_or_404(self.get_queryset(), pk=pk)
        if request.query_params.get("problems"):
            queryset = batch.rows.select_related("duplicate_of", "project").order_by("number")
            queryset = queryset.exclude(errors=[], warnings=[])
        else:
            queryset = preview.BatchRows(batch)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(ImportRowSerializer(page, many=True).data)

    @extend_schema(
        request=CommitSerializer,
        responses={
            200: ImportBatchSerializer,
            409: OpenApiResponse(ConflictSerializer, description="the batch cannot be committed (rows with errors)"),
        },
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def commit(self, request, pk=None):
        batch = self._actionable(pk)
        body = CommitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            if body.validated_data.get("decisions"):
                services.batch_resolve(
                    batch=batch, decisions={int(k): v for k, v in body.validated_data["decisions"].items()}
                )
            if body.validated_data.get("duplicates"):
                services.batch_resolve_all(batch=batch, decision=body.validated_data["duplicates"])
            if body.validated_data.get("confirm_all"):
                services.batch_confirm(batch=batch)
            with audit_context(actor=request.user, source=f"import:{batch.pk}"):
                batch = services.batch_start_commit(batch=batch, user=request.user)
        except services.ImportRefused as exc:
            raise Conflict(str(exc), "not_committable") from exc
        return Response(ImportBatchSerializer(batch).data)

    @extend_schema(
        request=None,
        responses={
            200: ImportBatchSerializer,
            409: OpenApiResponse(ConflictSerializer, description="the batch did not fail, so it cannot be run again"),
        },
    )
    @action(detail=True, methods=["post"])
    def rerun(self, request, pk=None):
        """Run a failed import again: its rows are checked anew; then commit it as usual."""
        batch = self._actionable(pk)
        try:
            batch = stale.batch_rerun(batch=batch, user=request.user, check=True)
        except services.ImportRefused as exc:
            raise Conflict(str(exc), "not_rerunnable") from exc
        return Response(ImportBatchSerializer(batch).data)


ROUTES = [("imports", ImportBatchViewSet, "import")]
