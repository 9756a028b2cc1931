"""The bureau edits milestone templates and light rules here; everything else is read-only in the admin.

Milestones, reports and lights change only through the product's pages and services, which keep the
stage, the light and the audit trail in step.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from investledger.core import audit
from investledger.core.admin import AuditedAdmin
from investledger.core.models import AuditEntry
from investledger.supervision import services
from investledger.supervision.models import (
    InspectionSample,
    LightAssessment,
    Milestone,
    MilestoneTemplate,
    MilestoneTemplateStep,
    ProgressReport,
    RuleSet,
)


class StepInline(admin.TabularInline):
    model = MilestoneTemplateStep
    extra = 0
    min_num = 1


@admin.register(MilestoneTemplate)
class MilestoneTemplateAdmin(AuditedAdmin):
    list_display = ("name", "agreement_type", "sector")
    list_filter = ("agreement_type",)
    inlines = [StepInline]

    def save_formset(self, request, form, formset, change):
        # Each step added, changed or removed gets its own audit entry, in the template's transaction.
        with transaction.atomic():
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                before, pk = audit.snapshot(obj), obj.pk
                obj.delete()
                obj.pk = pk
                audit.record(obj, AuditEntry.Kind.DELETE, before=before)
            for obj in instances:
                before = audit.snapshot(MilestoneTemplateStep.objects.get(pk=obj.pk)) if obj.pk else None
                obj.save()
                audit.record(obj, AuditEntry.Kind.UPDATE if before else AuditEntry.Kind.CREATE, before=before)
            formset.save_m2m()


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    """Saving a rule set never changes it: it saves a new version that is in force from then on."""

    list_display = ("version", "note", "created", "created_by")
    readonly_fields = ("version", "created", "created_by")
    fields = ("version", "parameters", "note", "created", "created_by")

    def get_changeform_initial_data(self, request):
        return {"parameters": services.current_rule_set().parameters}

    def save_model(self, request, obj, form, change):
        new = services.rule_set_new_version(parameters=obj.parameters, note=obj.note, by=request.user)
        obj.pk, obj.version = new.pk, new.version
        self.message_user(
            request,
            _("Saved as version %(version)s; earlier lights keep the version they were computed with.")
            % {"version": new.version},
            messages.INFO,
        )

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ("project", "kind", "planned_date", "actual_date", "evidence_status")
    list_filter = ("kind", "evidence_status")
    search_fields = ("project__reference", "project__name", "evidence_number")


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ("project", "period", "funds_in_place_cny", "investment_completed_cny", "submitted_on", "due_on")
    list_filter = ("period",)
    search_fields = ("project__reference", "project__name")


@admin.register(LightAssessment)
class LightAssessmentAdmin(ReadOnlyAdmin):
    list_display = ("project", "light", "assessed_on", "rule_set", "is_current")
    list_filter = ("light", "is_current")
    search_fields = ("project__reference", "project__name")


@admin.register(InspectionSample)
class InspectionSampleAdmin(ReadOnlyAdmin):
    list_display = ("milestone", "period", "status", "inspector", "inspected_on")
    list_filter = ("status", "period")
