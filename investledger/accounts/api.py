"""/api/me/: who the API sees behind a token or session, their roles and what they may do.

A client calls it first to check its token and to know which buttons to offer.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import permissions, serializers, viewsets
from rest_framework.response import Response

from investledger.core import access
from investledger.core.access import Action


class RoleSerializer(serializers.Serializer):
    role = serializers.CharField()
    role_label = serializers.CharField()
    area = serializers.IntegerField(allow_null=True)
    area_name = serializers.CharField(allow_null=True)
    unit = serializers.IntegerField(allow_null=True)
    unit_name = serializers.CharField(allow_null=True)


@extend_schema_serializer(many=False)  # one object, though /api/me/ is served by the viewset's list action
class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    roles = RoleSerializer(many=True)
    actions = serializers.ListField(child=serializers.ChoiceField(choices=Action.choices))


def me_payload(user) -> dict:
    assignments = user.role_assignments.select_related("area", "unit")
    roles = [
        {
            "role": a.role,
            "role_label": str(a.get_role_display()),
            "area": a.area_id,
            "area_name": str(a.area) if a.area_id else None,
            "unit": a.unit_id,
            "unit_name": str(a.unit) if a.unit_id else None,
        }
        for a in assignments
    ]
    return {
        "username": user.get_username(),
        "display_name": str(user),
        "roles": roles,
        "actions": [value for value in Action.values if access.can(user, value)],
    }


class MeViewSet(viewsets.ViewSet):
    """The signed-in user."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def list(self, request):
        return Response(me_payload(request.user))


from investledger.core.api_audit import AuditCheckpointViewSet  # noqa: E402  (registered with the accounts routes)

ROUTES = [
    ("me", MeViewSet, "me"),
    ("audit/checkpoint", AuditCheckpointViewSet, "audit-checkpoint"),
]
