"""API base classes shared by every app: the scoped viewset."""

from rest_framework import viewsets

from investledger.core.access import Action


class ScopedViewSetMixin:
    """Every API read starts from `Model.objects.visible_to(user)`; writes check the action's scope."""

    action_map_to_access = {
        "list": Action.VIEW,
        "retrieve": Action.VIEW,
        "create": Action.CREATE,
        "update": Action.CHANGE,
        "partial_update": Action.CHANGE,
        "destroy": Action.DELETE,
    }

    def get_queryset(self):
        access = self.action_map_to_access.get(self.action, Action.VIEW)
        return super().get_queryset().visible_to(self.request.user, access)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
