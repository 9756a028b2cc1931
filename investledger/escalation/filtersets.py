"""One FilterSet per model, used by the HTML lists and the API."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from investledger.core import clock
from investledger.core.filters import ObjectIdFilter
from investledger.escalation.choices import IssueCategory, IssueStatus, Level, NoticeColour, NoticeStatus
from investledger.escalation.models import Inspection, Issue, Notice, Notification
from investledger.reference.models import Area, Unit


class AreaSubtreeFilter(ObjectIdFilter):
    """An area and all its sub-areas (a district includes its parks)."""

    def __init__(self, *args, path: str, **kwargs):
        self.path = path
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.path}__path__startswith": value.path})


class IssueFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="search")
    status = filters.ChoiceFilter(label=_("Status"), choices=IssueStatus.choices)
    level = filters.TypedChoiceFilter(label=_("Level"), choices=Level.choices, coerce=int)
    category = filters.ChoiceFilter(label=_("Category"), choices=IssueCategory.choices)
    unit = filters.ModelChoiceFilter(
        label=_("Responsible unit"), field_name="responsible_unit", queryset=Unit.objects.all()
    )
    area = AreaSubtreeFilter(label=_("Area"), path="project__host_area", queryset=Area.objects.all())
    project = filters.NumberFilter(label=_("Project"), field_name="project_id")
    overdue = filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    open = filters.BooleanFilter(label=_("Open"), method="filter_open")

    class Meta:
        model = Issue
        fields = ["q", "status", "level", "category", "unit", "area", "project", "overdue", "open"]

    def search(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(title__icontains=value) | Q(reference__icontains=value) | Q(project__name__icontains=value))

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        overdue = qs.overdue(clock.today())
        return overdue if value else qs.exclude(pk__in=overdue.values("pk"))

    def filter_open(self, qs, name, value):
        if value is None:
            return qs
        return qs.open() if value else qs.filter(status=IssueStatus.CLOSED)


class NoticeFilterSet(filters.FilterSet):
    colour = filters.ChoiceFilter(label=_("Level"), choices=NoticeColour.choices)
    status = filters.ChoiceFilter(label=_("Status"), choices=NoticeStatus.choices)
    area = AreaSubtreeFilter(label=_("Area"), path="area", queryset=Area.objects.all())
    project = filters.NumberFilter(label=_("Project"), field_name="project_id")

    class Meta:
        model = Notice
        fields = ["colour", "status", "area", "project"]


class InspectionFilterSet(filters.FilterSet):
    area = AreaSubtreeFilter(label=_("Area"), path="project__host_area", queryset=Area.objects.all())
    project = filters.NumberFilter(label=_("Project"), field_name="project_id")
    visited_after = filters.DateFilter(label=_("Visited on or after"), field_name="visited_on", lookup_expr="gte")
    visited_before = filters.DateFilter(label=_("Visited on or before"), field_name="visited_on", lookup_expr="lte")

    class Meta:
        model = Inspection
        fields = ["area", "project", "kind", "outcome", "visited_after", "visited_before"]


class NotificationFilterSet(filters.FilterSet):
    unread = filters.BooleanFilter(label=_("Unread"), field_name="read_at", lookup_expr="isnull")

    class Meta:
        model = Notification
        fields = ["unread", "kind"]
