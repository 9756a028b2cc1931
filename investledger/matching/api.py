"""/api/matches/ and /api/match-dismissals/: ranked matches with their reasons, and matches set aside.

`GET /api/matches/?opportunity=<id>` ranks the investors the reader may see for an opportunity the
reader may see; `GET /api/matches/?investor=<id>` ranks the open opportunities for an investor. Each
match carries its score and every reason's points, which add up to the score, with the sentence the
pages show. A dismissal is created with its reason by whoever may change the opportunity (as on its
page), and deleted to undo it; both are audited by the matching services the pages call.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from investledger.core import access
from investledger.core.access import Action
from investledger.core.api import ScopedViewSetMixin, validation_error_from
from investledger.core.views import get_visible_or_404
from investledger.ledger.investors.models import Investor
from investledger.ledger.opportunities.models import Opportunity
from investledger.matching import explain, scoring, selectors, services
from investledger.matching.models import Dismissal
from investledger.matching.views import DISMISS, sector_names

# The most matches one answer ranks.
MATCHES_MAX = 50


class ReasonSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=scoring.REASONS, help_text="Which reason.")
    label = serializers.CharField(help_text="The reason's name in the reader's language.")
    points = serializers.DecimalField(max_digits=6, decimal_places=2, help_text="What it adds to the score.")
    fit = serializers.DecimalField(max_digits=4, decimal_places=2, help_text="How far it fits, 0 to 1.")
    sentence = serializers.CharField(help_text="Why, as the pages say it.")


class MatchSerializer(serializers.Serializer):
    opportunity = serializers.IntegerField(help_text="The opportunity's id.")
    investor = serializers.IntegerField(help_text="The investor's id.")
    score = serializers.DecimalField(max_digits=6, decimal_places=2, help_text="The sum of the reasons' points.")
    reasons = ReasonSerializer(many=True)


def _id_param(raw: str, name: str) -> int:
    """The id given in query parameter `name`; a refusal naming it when it is not a number."""
    try:
        return int(raw)
    except ValueError:
        said = _("Give the id of one opportunity.") if name == "opportunity" else _("Give the id of one investor.")
        raise serializers.ValidationError({name: said}) from None


class MatchViewSet(viewsets.ViewSet):
    """Ranked matches with their reasons, for one opportunity or one investor the reader may see."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("opportunity", int, description="Rank the investors that fit this opportunity."),
            OpenApiParameter("investor", int, description="Rank the open opportunities that fit this investor."),
            OpenApiParameter("limit", int, description=f"How many, best first (1 to {MATCHES_MAX}; 10 by default)."),
        ],
        responses={
            200: MatchSerializer(many=True),
            400: OpenApiResponse(description="neither or both of opportunity and investor, or a limit out of range"),
            404: OpenApiResponse(description="no such opportunity or investor in the reader's scope"),
        },
    )
    def list(self, request):
        user = request.user
        if not access.can(user, Action.VIEW):
            raise PermissionDenied()
        params = request.query_params
        if ("opportunity" in params) == ("investor" in params):
            raise serializers.ValidationError(
                {"non_field_errors": [_("Give either an opportunity or an investor, not both.")]}
            )
        try:
            limit = int(params.get("limit", "10"))
        except ValueError:
            limit = 0
        if not 1 <= limit <= MATCHES_MAX:
            raise serializers.ValidationError({"limit": [_("Give a number from 1 to %(max)s.") % {"max": MATCHES_MAX}]})
        if "opportunity" in params:
            opportunity = get_visible_or_404(Opportunity.objects, user, _id_param(params["opportunity"], "opportunity"))
            matches = selectors.investors_for(selectors.opportunity_input(opportunity), user, limit=limit)
        else:
            investor = get_visible_or_404(Investor.objects, user, _id_param(params["investor"], "investor"))
            matches = selectors.opportunities_for(investor, user, limit=limit)
        sectors = sector_names(matches)
        data = [
            {
                "opportunity": m.opportunity_id,
                "investor": m.investor_id,
                "score": m.score,
                "reasons": [vars(said) for said in explain.explain(m, sectors)],
            }
            for m in matches
        ]
        return Response(MatchSerializer(data, many=True).data)


class DismissalSerializer(serializers.ModelSerializer):
    dismissed_by = serializers.StringRelatedField()

    class Meta:
        model = Dismissal
        fields = ["id", "opportunity", "investor", "reason", "dismissed_on", "dismissed_by"]
        read_only_fields = ["id", "dismissed_on", "dismissed_by"]
        # The one-per-pair rule is the service's, checked after the scope (its answer names who dismissed it).
        validators: list = []
        extra_kwargs = {
            # Any id is accepted here; the view looks it up within the reader's scope (404 outside it).
            "opportunity": {"queryset": Opportunity.objects.all()},
            "investor": {"queryset": Investor.objects.all()},
        }


class DismissalFilterSet(filters.FilterSet):
    class Meta:
        model = Dismissal
        fields = ["opportunity", "investor"]


class DismissalViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Matches set aside with their reason. Listed where the reader may see both the opportunity and the
    investor; created and deleted (undone) by whoever may change the opportunity."""

    queryset = Dismissal.objects.all()
    serializer_class = DismissalSerializer
    filterset_class = DismissalFilterSet
    filter_backends = [filters.DjangoFilterBackend]
    access_actions = {**ScopedViewSetMixin.access_actions, "create": DISMISS, "destroy": DISMISS}

    def get_queryset(self):
        investors = Investor.objects.visible_to(self.request.user).values("pk")
        return super().get_queryset().filter(investor__in=investors).select_related("dismissed_by").order_by("-id")

    def create(self, request, *args, **kwargs):
        user = request.user
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # As the page does: 404 outside the reader's scope, 403 where the opportunity is seen but not changed.
        opportunity = get_visible_or_404(Opportunity.objects, user, data["opportunity"].pk, DISMISS)
        investor = get_visible_or_404(Investor.objects, user, data["investor"].pk)
        try:
            dismissal = services.match_dismiss(
                opportunity=opportunity, investor=investor, reason=data["reason"], user=user
            )
        except DjangoValidationError as exc:
            raise validation_error_from(exc) from exc
        return Response(self.get_serializer(dismissal).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.match_restore(dismissal=instance)


ROUTES = [
    ("matches", MatchViewSet, "match"),
    ("match-dismissals", DismissalViewSet, "matchdismissal"),
]
