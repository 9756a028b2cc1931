"""Administration: the working-day calendar and deadline policies are configured here; ledger rows
are read-only (they change through the pages and services, which keep the audit trail)."""

from django.contrib import admin

from investledger.escalation.models import (
    CalendarDay,
    DeadlinePolicy,
    EscalationStep,
    Inspection,
    Issue,
    Notice,
    Notification,
)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "is_working_day"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "respond_days", "assess_days", "resolve_days"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Issue)
class IssueAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "project", "responsible_unit", "status", "level", "resolve_by"]
    list_filter = ["status", "level", "category"]
    search_fields = ["reference", "title", "project__name"]


@admin.register(EscalationStep)
class EscalationStepAdmin(ReadOnlyAdmin):
    list_display = ["issue", "from_level", "to_level", "missed_deadline", "escalated_on"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["reference", "colour", "subject", "area", "deadline", "status"]
    list_filter = ["colour", "status"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["visited_on", "kind", "project", "outcome"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "kind", "subject", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
