"""The ledger's REST API: /api/projects/ with the ledger's filters, its signings and side states.

Reads go through `Project.objects.visible_to(user, action)` (core/api.py). Every write calls the
service that a page would call (projects/services.py), so validation, the counting rule and the
audit trail are the same whichever door a change comes through.

Answers worth knowing as a client:
- a likely duplicate on create answers HTTP 409 with `possible_duplicates`; send the same body again
  with `"confirm_not_duplicate": true` to create it anyway;
- an update must send the `version` it read; if someone saved in between, HTTP 409 with
  `current_version` (read the project again, re-apply, resend);
- a district officer creating a project in an area outside their scope gets HTTP 400 on `host_area`
  (areas are reference data every user may read, so naming the field hides nothing);
- deleting needs a `reason` (a project entered by mistake); ending a real project is
  POST /api/projects/<id>/side-state/ with `"side_state": "terminated"`;
- the list's `count` is the database's estimate when `count_estimated` is true (many matches and a
  filter the summary cannot answer); to read a long list whole, page with `cursor=` (empty first, then
  follow `next`): keyset pages, no count, as quick however deep.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import InvalidPage, Paginator
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from investledger.core import access, clock, keyset
from investledger.core.access import Action
from investledger.core.api import (
    BoundedDecimalsMixin,
    Conflict,
    ConflictSerializer,
    ScopedModelViewSet,
    edited_meanwhile,
    validation_error_from,
)
from investledger.core.drf import StandardPagination
from investledger.core.related import ScopedRelatedFieldsMixin
from investledger.ledger.investors.models import Investor
from investledger.ledger.projects import permissions, services
from investledger.ledger.projects.choices import Currency, SideState, SigningKind
from investledger.ledger.projects.filtersets import ProjectFilterSet
from investledger.ledger.projects.models import MONEY, Project, Signing, signing_events
from investledger.ledger.projects.totals import list_totals
from investledger.reference.models import Area, Sector, Unit

# --- Serializers -------------------------------------------------------------------------------


class ProjectListSerializer(serializers.ModelSerializer):
    """One ledger row: what the list page shows, with the names of what the ids point to."""

    url = serializers.SerializerMethodField()
    investor_name = serializers.CharField(source="investor.name", read_only=True)
    host_area_name = serializers.CharField(source="host_area.label", read_only=True)
    sector_name = serializers.CharField(source="sector.label", read_only=True)
    first_event_name = serializers.SerializerMethodField()
    is_large = serializers.BooleanField(read_only=True)
    # Declared, not derived from the model: a read-only model field loses `blank=True`, and the schema
    # then left out the empty value every project on track has.
    side_state = serializers.ChoiceField(choices=SideState.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "url",
            "reference",
            "name",
            "investor",
            "investor_name",
            "host_area",
            "host_area_name",
            "sector",
            "sector_name",
            "agreement_type",
            "currency",
            "contract_value",
            "contract_value_cny",
            "is_large",
            "stage",
            "side_state",
            "light",
            "light_on",
            "first_event",
            "first_event_name",
            "signed_on",
            "version",
            "updated",
        ]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return reverse("project-detail", kwargs={"pk": obj.pk})

    def get_first_event_name(self, obj) -> str | None:
        return obj.first_event.label if obj.first_event_id else None

    def to_representation(self, instance):
        # The list's rows written directly: DRF's field-by-field machinery was most of the list's Python
        # time (docs/benchmarks.md, Ledger list). The same answer as the declared fields give (a test
        # compares them); the full record (ProjectSerializer) keeps the generic path.
        if type(self) is not ProjectListSerializer:
            return super().to_representation(instance)
        return self.row(instance)

    def row(self, p) -> dict:
        fields = self.fields
        url = self.__dict__.get("_url")
        if url is None:
            url = self.__dict__["_url"] = reverse("project-detail", kwargs={"pk": 987654321}).replace("987654321", "{}")

        def shown(name, value):
            return None if value is None else fields[name].to_representation(value)

        return {
            "id": p.pk,
            "url": url.format(p.pk),
            "reference": p.reference,
            "name": p.name,
            "investor": p.investor_id,
            "investor_name": p.investor.name,
            "host_area": p.host_area_id,
            "host_area_name": p.host_area.label,
            "sector": p.sector_id,
            "sector_name": p.sector.label,
            "agreement_type": p.agreement_type,
            "currency": p.currency,
            "contract_value": shown("contract_value", p.contract_value),
            "contract_value_cny": shown("contract_value_cny", p.contract_value_cny),
            "is_large": p.is_large,
            "stage": p.stage,
            "side_state": p.side_state,
            "light": p.light,
            "light_on": shown("light_on", p.light_on),
            "first_event": p.first_event_id,
            "first_event_name": p.first_event.label if p.first_event_id else None,
            "signed_on": shown("signed_on", p.signed_on),
            "version": p.version,
            "updated": shown("updated", p.updated),
        }


class ProjectSerializer(ProjectListSerializer):
    """The full project record, as read."""

    class Meta(ProjectListSerializer.Meta):
        fields = ProjectListSerializer.Meta.fields + [
            "co_investors",
            "fx_rate",
            "fx_date",
            "outside_value_cny",
            "fixed_asset_value_cny",
            "value_approximate",
            "value_estimated",
            "value_undisclosed",
            "planned_jobs",
            "planned_start",
            "planned_completion",
            "planned_production",
            "lead_unit",
            "involved_units",
            "contacts",
            "responsible_leader",
            "commissioner",
            "side_state_reason",
            "side_state_date",
            "description",
            "is_demo",
            "created",
        ]
        read_only_fields = fields


WRITABLE_FIELDS = list(services.EDITABLE_FIELDS)


class ProjectWriteSerializer(BoundedDecimalsMixin, ScopedRelatedFieldsMixin, serializers.ModelSerializer):
    """What a client may send to create or change a project.

    Stage, side state, first event and signing date are not written here: stages follow milestones,
    side states have their own endpoint, and the first event follows from the signings.
    """

    investor = serializers.PrimaryKeyRelatedField(queryset=Investor.objects.all())
    host_area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all())
    sector = serializers.PrimaryKeyRelatedField(queryset=Sector.objects.all())
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    co_investors = serializers.PrimaryKeyRelatedField(queryset=Investor.objects.all(), many=True, required=False)
    involved_units = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), many=True, required=False)
    contacts = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), many=True, required=False
    )

    class Meta:
        model = Project
        fields = WRITABLE_FIELDS

    def validate_host_area(self, area):
        """A district officer may only place projects in their own areas (and sub-areas)."""
        action = permissions.UPDATE if self.instance is not None else permissions.CREATE
        if self.instance is not None and self.instance.host_area_id == area.pk:
            return area
        user = self.context["request"].user
        if not Area.objects.filter(access.area_q(user, action), pk=area.pk).exists():
            raise serializers.ValidationError(_("You may not place projects in %(area)s.") % {"area": area})
        return area

    def validate(self, attrs):
        # A foreign amount needs the rate it was converted at. The model's default rate of 1 would
        # otherwise turn a dollar amount into the same number of yuan without anyone noticing.
        currency = attrs.get("currency", self.instance.currency if self.instance else Currency.CNY)
        if currency != Currency.CNY:
            switching = self.instance is None or self.instance.currency == Currency.CNY
            if switching and attrs.get("fx_rate") in (None, ""):
                raise serializers.ValidationError(
                    {"fx_rate": _("Give the exchange rate used to convert this amount to CNY.")}
                )
        return attrs


class ProjectCreateSerializer(ProjectWriteSerializer):
    event = serializers.PrimaryKeyRelatedField(
        queryset=signing_events().all(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("The signing event where it was signed; records the first signing."),
    )
    signed_on = serializers.DateField(
        required=False, allow_null=True, help_text=gettext_lazy("Signing date (defaults to the event's date).")
    )
    confirm_not_duplicate = serializers.BooleanField(
        required=False,
        default=False,
        help_text=gettext_lazy("Send true after checking the possible duplicates answered with HTTP 409."),
    )

    class Meta(ProjectWriteSerializer.Meta):
        fields = WRITABLE_FIELDS + ["event", "signed_on", "confirm_not_duplicate"]


class ProjectUpdateSerializer(ProjectWriteSerializer):
    version = serializers.IntegerField(
        min_value=1, help_text=gettext_lazy("The version you read; a newer one on file answers HTTP 409.")
    )

    class Meta(ProjectWriteSerializer.Meta):
        fields = WRITABLE_FIELDS + ["version"]


class DuplicateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    reference = serializers.CharField()
    name = serializers.CharField()
    investor_name = serializers.CharField()
    host_area_name = serializers.CharField()
    contract_value_cny = serializers.DecimalField(**MONEY)
    signed_on = serializers.DateField(allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField())


class DuplicateAnswer(ConflictSerializer):
    """The 409 of a likely duplicate (`code` "possible_duplicate"): the conflict and its candidates."""

    possible_duplicates = DuplicateSerializer(many=True)
    hidden_duplicates = serializers.IntegerField()


class SideStateSerializer(serializers.Serializer):
    side_state = serializers.ChoiceField(
        choices=[("", _("None (back on track)"))] + list(SideState.choices),
        allow_blank=True,
        help_text=gettext_lazy("stalled, suspended, terminated, or empty to clear."),
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    since = serializers.DateField(required=False, allow_null=True, help_text=gettext_lazy("Defaults to today."))
    version = serializers.IntegerField(min_value=1, required=False)

    def validate(self, attrs):
        if attrs["side_state"] and not attrs.get("reason", "").strip():
            raise serializers.ValidationError(
                {"reason": _("A stalled, suspended or terminated project needs a reason.")}
            )
        return attrs


class DeleteSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=500, help_text=gettext_lazy("Why the project is deleted (entered by mistake, a duplicate...).")
    )


class SigningSerializer(BoundedDecimalsMixin, ScopedRelatedFieldsMixin, serializers.ModelSerializer):
    event = serializers.PrimaryKeyRelatedField(queryset=signing_events().all())
    event_name = serializers.CharField(source="event.label", read_only=True)
    kind = serializers.ChoiceField(choices=SigningKind.choices, default=SigningKind.RESIGNING)
    confirm_increment = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text=gettext_lazy(
            "For a capital increase as large as the project itself: confirm that the amount is the increment, "
            "not the new total."
        ),
    )

    class Meta:
        model = Signing
        fields = [
            "id",
            "event",
            "event_name",
            "signed_on",
            "kind",
            "stated_value_cny",
            "confirm_increment",
            "counted_project",
            "counted_value_cny",
            "notes",
        ]
        read_only_fields = ["id", "counted_project", "counted_value_cny"]


# --- Views -------------------------------------------------------------------------------------


class LedgerFilterBackend(DjangoFilterBackend):
    """The ledger's FilterSet, kept on the view: the list's count depends on which filters are set."""

    def get_filterset(self, request, queryset, view):
        view.filterset = super().get_filterset(request, queryset, view)
        return view.filterset


class LedgerPagination(StandardPagination):
    """Page numbers, as before, with the count from the cheapest true source (projects/totals.py:
    `count_estimated` is true when it is the database's estimate); or keyset pages with `cursor`
    (send it empty for the first page, then follow `next` / `previous`): no count, and as fast on the
    ten-thousandth page as on the first."""

    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        self.cursor_page = None
        if self.cursor_query_param in request.query_params:
            try:
                self.cursor_page = keyset.page(queryset, request.query_params[self.cursor_query_param], page_size)
            except keyset.InvalidCursor as exc:
                raise NotFound(_("Invalid cursor.")) from exc
            return self.cursor_page.rows
        self.totals = list_totals(request.user, queryset, getattr(view, "filterset", None))
        paginator = Paginator(queryset, page_size)
        paginator.count = self.totals.count  # spare the COUNT(*) of every matching row
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as exc:
            raise NotFound(self.invalid_page_message.format(page_number=page_number, message=str(exc))) from exc
        return list(self.page)

    def _cursor_link(self, token):
        if token is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, token)

    def get_paginated_response(self, data):
        if self.cursor_page is not None:
            return Response(
                {
                    "next": self._cursor_link(self.cursor_page.next),
                    "previous": self._cursor_link(self.cursor_page.previous),
                    "results": data,
                }
            )
        return Response(
            {
                "count": self.page.paginator.count,
                "count_estimated": self.totals.estimated,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["required"] = ["results"]  # keyset pages (cursor) have no count
        answer["properties"]["count_estimated"] = {
            "type": "boolean",
            "description": "true when count is the database's estimate (many matches and a filter the "
            "summary cannot answer); send cursor= for keyset pages without a count.",
        }
        return answer

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Keyset pages: empty for the first page, then the cursor in next or previous. "
                "No count; a page is as quick however deep.",
                "schema": {"type": "string"},
            },
        ]


def _duplicate_answer(exc: services.DuplicateSuspected, user) -> Conflict:
    """The candidates the user may see in full; the others only counted (their ids stay hidden)."""
    ids = [c.project.pk for c in exc.candidates]
    visible = set(Project.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    shown = [
        {
            "id": c.project.pk,
            "url": reverse("project-detail", kwargs={"pk": c.project.pk}),
            "reference": c.project.reference,
            "name": c.project.name,
            "investor_name": c.project.investor.name,
            "host_area_name": str(c.project.host_area),
            "contract_value_cny": str(c.project.contract_value_cny),
            "signed_on": c.project.signed_on.isoformat() if c.project.signed_on else None,
            "reasons": [str(r) for r in c.reasons],
        }
        for c in exc.candidates
        if c.project.pk in visible
    ]
    return Conflict(
        _(
            "This project looks like one already in the ledger. Check the possible duplicates; if it is "
            'a different project, send it again with "confirm_not_duplicate": true.'
        ),
        "possible_duplicate",
        possible_duplicates=shown,
        hidden_duplicates=len(exc.candidates) - len(shown),
    )


def _split_m2m(data: dict) -> tuple[dict, dict]:
    m2m = {name: data.pop(name) for name in services.M2M_FIELDS if name in data}
    return data, m2m


@extend_schema_view(
    list=extend_schema(
        summary="List projects in your scope",
        parameters=[
            OpenApiParameter(
                "ordering",
                OpenApiTypes.STR,
                description="signed_on, value, name, reference, stage, updated; prefix - to reverse.",
            ),
            OpenApiParameter("area", OpenApiTypes.INT, description="Host area id, sub-areas included."),
            OpenApiParameter("sector", OpenApiTypes.INT, description="Sector id, sub-sectors included."),
            OpenApiParameter("event", OpenApiTypes.INT, description="Signed at this event (first or later)."),
            OpenApiParameter("investor", OpenApiTypes.INT, description="Investor or co-investor id."),
        ],
    ),
    retrieve=extend_schema(summary="Read one project"),
    create=extend_schema(
        request=ProjectCreateSerializer,
        responses={201: ProjectSerializer, 409: OpenApiResponse(DuplicateAnswer, description="likely duplicate")},
    ),
    update=extend_schema(
        request=ProjectUpdateSerializer,
        responses={200: ProjectSerializer, 409: OpenApiResponse(ConflictSerializer, description="edited meanwhile")},
    ),
    partial_update=extend_schema(
        request=ProjectUpdateSerializer,
        responses={200: ProjectSerializer, 409: OpenApiResponse(ConflictSerializer, description="edited meanwhile")},
    ),
    destroy=extend_schema(request=DeleteSerializer, parameters=[OpenApiParameter("reason", OpenApiTypes.STR)]),
)
class ProjectViewSet(ScopedModelViewSet):
    """Signed investment projects (项目), limited to the reader's areas, units or own projects."""

    queryset = Project.objects.all()
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    access_actions = {
        **ScopedModelViewSet.access_actions,
        "create": permissions.CREATE,
        "update": permissions.UPDATE,
        "partial_update": permissions.UPDATE,
        "destroy": permissions.DELETE,
    }
    # The FilterSet carries the ledger's own `ordering` (same names as the page), so DRF's
    # OrderingFilter is left out: two backends reading one parameter would fight.
    filter_backends = [LedgerFilterBackend]
    pagination_class = LedgerPagination
    filterset = None

    def get_queryset(self):
        qs = super().get_queryset().select_related("investor", "host_area", "sector", "first_event")
        if self.action != "list":
            qs = qs.prefetch_related("co_investors", "involved_units", "contacts")
        return qs

    def get_serializer_class(self):
        return {
            "list": ProjectListSerializer,
            "create": ProjectCreateSerializer,
            "update": ProjectUpdateSerializer,
            "partial_update": ProjectUpdateSerializer,
        }.get(self.action, ProjectSerializer)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # Pages must not overlap or skip rows: end every sort order with the primary key.
        order = list(queryset.query.order_by) or list(Project._meta.ordering)
        if not any(o.lstrip("-") in ("id", "pk") for o in order):
            queryset = queryset.order_by(*order, "-id")
        return queryset

    def _read(self, project) -> dict:
        project = self.get_queryset().get(pk=project.pk)
        return ProjectSerializer(project, context=self.get_serializer_context()).data

    def create(self, request, *args, **kwargs):
        serializer = ProjectCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        event = data.pop("event", None)
        signed_on = data.pop("signed_on", None)
        confirm = data.pop("confirm_not_duplicate", False)
        fields, m2m = _split_m2m(data)
        try:
            project = services.project_create(
                fields=fields, m2m=m2m, event=event, signed_on=signed_on, confirm_not_duplicate=confirm
            )
        except services.DuplicateSuspected as exc:
            raise _duplicate_answer(exc, request.user) from exc
        except DjangoValidationError as exc:
            raise validation_error_from(exc) from exc
        return Response(
            self._read(project),
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("project-detail", kwargs={"pk": project.pk})},
        )

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        project = self.get_object()
        serializer = ProjectUpdateSerializer(
            project, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        if version is None:  # a PATCH without it: required here too, or edits could overwrite each other
            raise serializers.ValidationError({"version": _("Send the version you read.")})
        fields, m2m = _split_m2m(data)
        try:
            project = services.project_update(project=project, fields=fields, m2m=m2m, expected_version=version)
        except services.EditConflict as exc:
            raise edited_meanwhile(
                exc.current_version,
                _("Someone else saved this project meanwhile. Read it again and re-apply your change."),
            ) from exc
        except DjangoValidationError as exc:
            raise validation_error_from(exc) from exc
        return Response(self._read(project))

    def destroy(self, request, *args, **kwargs):
        project = self.get_object()
        body = request.data if hasattr(request.data, "get") else {}
        serializer = DeleteSerializer(data={"reason": body.get("reason") or request.query_params.get("reason", "")})
        serializer.is_valid(raise_exception=True)
        services.project_delete(project=project, reason=serializer.validated_data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=SideStateSerializer, responses={200: ProjectSerializer, 409: ConflictSerializer})
    @action(detail=True, methods=["post"], url_path="side-state", access=permissions.SET_SIDE_STATE)
    def side_state(self, request, pk=None):
        """Mark the project stalled, suspended or terminated (with a reason), or clear that state."""
        project = self.get_object()
        serializer = SideStateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            services.project_set_side_state(
                project=project,
                side_state=data["side_state"],
                reason=data.get("reason", "").strip(),
                since=data.get("since") or clock.today(),
                expected_version=data.get("version"),
            )
        except services.EditConflict as exc:
            raise edited_meanwhile(exc.current_version, _("Someone else saved this project meanwhile.")) from exc
        except DjangoValidationError as exc:
            raise validation_error_from(exc) from exc
        return Response(self._read(project))

    @extend_schema(methods=["GET"], responses=SigningSerializer(many=True))
    @extend_schema(methods=["POST"], request=SigningSerializer, responses={201: SigningSerializer})
    @action(
        detail=True,
        methods=["get", "post"],
        access={"GET": Action.VIEW, "POST": permissions.ADD_SIGNING},
        pagination_class=None,  # a project has a handful of signings, listed whole
    )
    def signings(self, request, pk=None):
        """The project's signings (GET), or record that it was signed at another event (POST)."""
        project = self.get_object()
        if request.method == "GET":
            signings = Signing.objects.visible_to(request.user).filter(project=project).select_related("event")
            return Response(SigningSerializer(signings, many=True).data)
        serializer = SigningSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["kind"] == SigningKind.CAPITAL_INCREASE:
            # The same questions as the page: an increment is never 0, and one that looks like the new
            # total is saved only once confirmed.
            if not data["stated_value_cny"]:
                raise serializers.ValidationError(
                    {"stated_value_cny": [_("Give the increment: by how much the investment grows.")]}
                )
            warnings = services.capital_increase_warnings(project, data["stated_value_cny"])
            if warnings and not data.get("confirm_increment"):
                raise serializers.ValidationError({"confirm_increment": warnings})
        try:
            signing = services.signing_add(
                project=project,
                event=data["event"],
                signed_on=data["signed_on"],
                kind=data["kind"],
                stated_value_cny=data["stated_value_cny"],
                notes=data.get("notes", ""),
            )
        except DjangoValidationError as exc:
            raise validation_error_from(exc) from exc
        signing.refresh_from_db()
        return Response(SigningSerializer(signing).data, status=status.HTTP_201_CREATED)


ROUTES = [("projects", ProjectViewSet, "project")]
