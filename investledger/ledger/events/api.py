"""/api/events/: signing events with their figures under the counting-once rule.

`project_count` and `signed_value_cny` sum what each signing adds to its event
(`Signing.counted_project` / `counted_value_cny`, derived by projects.services.recount_signings),
restricted to the projects the reader may see: a district officer sees their district's part of an
event, the bureau the whole. The figures are annotations of the one events query, so a page of
events costs the same number of queries as one event.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import filters, serializers
from rest_framework.response import Response

from investledger.core.access import project_q
from investledger.core.api import (
    VERSION_HELP,
    BoundedDecimalsMixin,
    ConflictSerializer,
    ReferenceViewSet,
    VersionedUpdateMixin,
    validation_error_from,
)
from investledger.core.money import quantize
from investledger.core.related import ScopedRelatedFieldsMixin
from investledger.ledger.events import services
from investledger.ledger.events.filtersets import SigningEventFilterSet
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.events.selectors import figures_by_event
from investledger.ledger.projects.models import MONEY, Project, Signing
from investledger.reference.models import Sector

FIGURES = {
    "project_count",
    "signed_value_cny",
    "large_project_count",
    "strategic_emerging_value_cny",
    "undisclosed_project_count",
}
LARGE = Decimal("1000000000")  # RMB 1 billion: a "large project" (大项目)
ZERO = Value(Decimal("0"), output_field=DecimalField(**MONEY))


def signings_scope(user, prefix: str = "") -> Q:
    """Signings of projects the user may see; empty Q for readers of the whole city.

    Written as `project IN (visible projects)` rather than the raw project filter, because that
    filter may cross to-many relations (contacts, involved units) and a join there would count a
    signing once per matching unit.
    """
    if not project_q(user).children:
        return Q()
    return Q(**{f"{prefix}project_id__in": Project.objects.visible_to(user).values("pk")})


def with_figures(queryset, user):
    scope = signings_scope(user, prefix="signings__")
    counted = scope & Q(signings__counted_project=True)
    money = DecimalField(**MONEY)
    return queryset.annotate(
        project_count=Count("signings", filter=counted),
        signed_value_cny=Coalesce(Sum("signings__counted_value_cny", filter=scope), ZERO, output_field=money),
        large_project_count=Count("signings", filter=counted & Q(signings__counted_value_cny__gte=LARGE)),
        undisclosed_project_count=Count("signings", filter=counted & Q(signings__project__value_undisclosed=True)),
        strategic_emerging_value_cny=Coalesce(
            Sum("signings__counted_value_cny", filter=scope & Q(signings__project__sector__strategic_emerging=True)),
            ZERO,
            output_field=money,
        ),
    )


def by_sector(event, user) -> list[dict]:
    rows = (
        Signing.objects.filter(signings_scope(user), event=event)
        .values("project__sector")
        .annotate(
            project_count=Count("pk", filter=Q(counted_project=True)),
            value_cny=Coalesce(Sum("counted_value_cny"), ZERO, output_field=DecimalField(**MONEY)),
        )
        .order_by("-value_cny", "project__sector")
    )
    sectors = Sector.objects.in_bulk([r["project__sector"] for r in rows])
    return [
        {
            "sector": r["project__sector"],
            "sector_name": str(sectors[r["project__sector"]]),
            "strategic_emerging": sectors[r["project__sector"]].strategic_emerging,
            "project_count": r["project_count"],
            "value_cny": str(quantize(Decimal(r["value_cny"]))),
        }
        for r in rows
    ]


class SectorLineSerializer(serializers.Serializer):
    sector = serializers.IntegerField()
    sector_name = serializers.CharField()
    strategic_emerging = serializers.BooleanField()
    project_count = serializers.IntegerField()
    value_cny = serializers.DecimalField(**MONEY)


class SigningEventSerializer(BoundedDecimalsMixin, ScopedRelatedFieldsMixin, serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    project_count = serializers.IntegerField(read_only=True)
    signed_value_cny = serializers.DecimalField(read_only=True, **MONEY)
    large_project_count = serializers.IntegerField(read_only=True)
    strategic_emerging_value_cny = serializers.DecimalField(read_only=True, **MONEY)
    undisclosed_project_count = serializers.IntegerField(
        read_only=True,
        help_text="Counted projects whose amount was not made public: they count as projects and stay out of "
        "signed_value_cny, so a value of 0 with every project undisclosed means undisclosed, not nothing.",
    )

    class Meta:
        model = SigningEvent
        fields = [
            "id",
            "label",
            *services.EVENT_FIELDS,
            "version",
            "project_count",
            "signed_value_cny",
            "large_project_count",
            "strategic_emerging_value_cny",
            "undisclosed_project_count",
        ]


class SigningEventUpdateSerializer(SigningEventSerializer):
    version = serializers.IntegerField(min_value=1, help_text=VERSION_HELP)


class SigningEventDetailSerializer(SigningEventSerializer):
    by_sector = serializers.SerializerMethodField()

    class Meta(SigningEventSerializer.Meta):
        fields = SigningEventSerializer.Meta.fields + ["by_sector"]

    @extend_schema_field(SectorLineSerializer(many=True))
    def get_by_sector(self, event):
        return by_sector(event, self.context["request"].user)


@extend_schema_view(
    update=extend_schema(
        request=SigningEventUpdateSerializer, responses={200: SigningEventSerializer, 409: ConflictSerializer}
    ),
    partial_update=extend_schema(
        request=SigningEventUpdateSerializer, responses={200: SigningEventSerializer, 409: ConflictSerializer}
    ),
)
class SigningEventViewSet(VersionedUpdateMixin, ReferenceViewSet):
    """Signing events (签约活动) with the ledger's own count beside the announced one.

    Read by every user with a role (figures limited to their projects); changed by administrators,
    through events/services.py. An update sends the `version` it read: 409 when someone saved meanwhile.
    """

    queryset = SigningEvent.objects.select_related("lead_unit", "host_area")
    serializer_class = SigningEventSerializer
    filterset_class = SigningEventFilterSet
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    ordering_fields = ["date", "name", "project_count", "signed_value_cny", "large_project_count"]
    ordering = ["-date", "name", "id"]

    def get_queryset(self):
        return with_figures(super().get_queryset(), self.request.user)

    def list(self, request, *args, **kwargs):
        """Page the events first, then add the figures of that page's events only.

        Summing every signing of every event and then keeping 50 rows costs seconds on a ledger
        of 100,000 projects; summing the signings of the 50 events shown costs milliseconds. Sorting
        by a figure needs them all, so that (rarer) request takes the long way.
        """
        ordering = request.query_params.get(filters.OrderingFilter.ordering_param, "")
        if any(f.strip().lstrip("-") in FIGURES for f in ordering.split(",")):
            return super().list(request, *args, **kwargs)
        events = self.filter_queryset(self.scoped_queryset())
        page = self.paginate_queryset(events)
        rows = page if page is not None else list(events)
        figures = figures_by_event([e.pk for e in rows], request.user)
        none_signed = {name: Decimal("0") if name.endswith("_cny") else 0 for name in FIGURES}
        for event in rows:
            for name, value in figures.get(event.pk, none_signed).items():
                setattr(event, name, value)
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def get_serializer_class(self):
        return SigningEventDetailSerializer if self.action == "retrieve" else SigningEventSerializer

    def read_back(self, saved):
        # The figures are annotations: read the saved event back through the annotated queryset.
        return self.get_queryset().get(pk=saved.pk)

    def perform_create(self, serializer):
        try:
            created = services.event_create(fields=dict(serializer.validated_data))
        except DjangoValidationError as exc:
            raise validation_error_from(exc) from exc
        serializer.instance = self.read_back(created)

    update_serializer = SigningEventUpdateSerializer

    def save_edit(self, instance, data: dict, version: int):
        return services.event_update(event=instance, fields=data, expected_version=version)


ROUTES = [("events", SigningEventViewSet, "event")]
