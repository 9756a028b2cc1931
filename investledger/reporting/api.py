"""/api/metrics/: every registered figure for a cohort as of a date, within the caller's scope."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, viewsets
from rest_framework.response import Response

from investledger.core import access
from investledger.reporting import metrics
from investledger.reporting.cohort import CohortForm


class HasAnyRole(permissions.BasePermission):
    message = "You hold no role that may read figures."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and access.can(request.user, access.Action.VIEW))


def read_cohort(params) -> CohortForm:
    form = CohortForm(params)
    if not form.is_valid():
        raise exceptions.ValidationError(form.errors.get_json_data())
    return form


COHORT_PARAMETERS = [
    OpenApiParameter("area", OpenApiTypes.INT, description="Host area id (sub-areas included)"),
    OpenApiParameter("sector", OpenApiTypes.INT, description="Sector id (sub-sectors included)"),
    OpenApiParameter("event", OpenApiTypes.INT, description="Signing event id (projects first signed there)"),
    OpenApiParameter("signed_from", OpenApiTypes.DATE),
    OpenApiParameter("signed_to", OpenApiTypes.DATE),
    OpenApiParameter("as_of", OpenApiTypes.DATE, description="Figures as the ledger stood on this day"),
    OpenApiParameter("metric", OpenApiTypes.STR, description="Only these metric keys (repeatable)"),
]


class MetricViewSet(viewsets.ViewSet):
    """The metric registry with values: one entry per figure, with numerator, denominator, cohort and as-of."""

    permission_classes = [HasAnyRole]
    lookup_field = "key"
    lookup_value_regex = "[a-z_]+"

    def _compute(self, request, keys=None):
        form = read_cohort(request.query_params)
        return metrics.compute_all(request.user, form.cohort(), form.as_of_date(), keys=keys)

    @extend_schema(operation_id="metrics_list", parameters=COHORT_PARAMETERS, responses=OpenApiTypes.OBJECT)
    def list(self, request):
        wanted = request.query_params.getlist("metric")
        unknown = [k for k in wanted if k not in metrics.REGISTRY]
        if unknown:
            raise exceptions.ValidationError({"metric": [f"Unknown metric: {', '.join(unknown)}"]})
        results = self._compute(request, keys=wanted or None)
        return Response({"count": len(results), "results": [_entry(r) for r in results.values()]})

    @extend_schema(parameters=COHORT_PARAMETERS[:-1], responses=OpenApiTypes.OBJECT)
    def retrieve(self, request, key=None):
        if key not in metrics.REGISTRY:
            raise exceptions.NotFound()
        return Response(_entry(self._compute(request, keys=[key])[key]))


def _entry(result: metrics.Result) -> dict:
    data = result.as_dict()
    data["names"] = result.metric.names()
    data["definition"] = str(result.metric.definition)
    data["source"] = result.metric.source
    if result.extra:
        # A figure's breakdown (the pipeline by stage, the credit by referrer), numbers as the API gives them.
        data["breakdown"] = {
            name: {str(k): (str(v) if isinstance(v, Decimal) else v) for k, v in part.items()}
            if isinstance(part, dict)
            else part
            for name, part in result.extra.items()
        }
    return data


ROUTES = [("metrics", MetricViewSet, "metrics")]
