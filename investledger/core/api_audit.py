"""/api/audit/checkpoint/: a checkpoint of the audit chain, signed with the audit key, to keep elsewhere.

City-wide administrators only: the file says how long the trail is, which others have no need to
know. Keep the download somewhere the database's administrators cannot write, then check the trail
against it with `investledger audit verify --checkpoint FILE`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from investledger.core import access, checkpoints
from investledger.core.api import Conflict, ConflictSerializer


class CheckpointSerializer(serializers.Serializer):
    format = serializers.CharField(help_text=gettext_lazy("Always investledger-audit-checkpoint-1."))
    entries = serializers.IntegerField(help_text=gettext_lazy("Entries in the trail when the checkpoint was signed."))
    last_id = serializers.IntegerField(help_text=gettext_lazy("Id of the last entry; 0 for an empty trail."))
    last_hash = serializers.CharField(help_text=gettext_lazy("Hash of the last entry."))
    at = serializers.CharField(help_text=gettext_lazy("When it was signed (UTC, ISO 8601)."))
    key = serializers.CharField(help_text=gettext_lazy("Public id of the audit key that signed it."))
    signature = serializers.CharField(help_text=gettext_lazy("HMAC-SHA256 of the fields above with the audit key."))
    line = serializers.CharField(
        help_text=gettext_lazy("The same checkpoint as one line of text, as the report prints it.")
    )


class OneObjectSchema(AutoSchema):
    """The collection route answers one object: described as such, not as a list of them."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class AuditCheckpointViewSet(viewsets.ViewSet):
    """A signed checkpoint of the audit trail (city-wide administrators)."""

    schema = OneObjectSchema()
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = None

    @extend_schema(
        responses={
            200: CheckpointSerializer,
            403: OpenApiResponse(description="Not a city-wide administrator."),
            409: OpenApiResponse(
                ConflictSerializer, description="The last entry of the trail does not hold; run audit verify."
            ),
        }
    )
    def list(self, request):
        if not access.is_city_wide(request.user, access.Action.MANAGE):
            raise PermissionDenied(_("Only city-wide administrators may download audit checkpoints."))
        try:
            checkpoint = checkpoints.issue()
        except checkpoints.CheckpointError as exc:
            raise Conflict(str(exc), "audit_trail_broken") from exc
        data = CheckpointSerializer(
            {"format": checkpoints.FORMAT, **checkpoint.__dict__, "line": checkpoint.as_line()}
        ).data
        name = f"audit-checkpoint-{checkpoint.last_id}.json"
        return Response(data, headers={"Content-Disposition": f'attachment; filename="{name}"'})
