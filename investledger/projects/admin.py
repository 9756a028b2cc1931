from django.contrib import admin

from investledger.core import clock
from investledger.core.admin import AuditedAdmin
from investledger.projects.models import Project, Signing


class SigningInline(admin.TabularInline):
    model = Signing
    extra = 0
    readonly_fields = ("counted_project", "counted_value_cny")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # signings are added through the product so the counting rule runs

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(AuditedAdmin):
    list_display = ("reference", "name", "investor", "host_area", "sector", "contract_value_cny", "stage")
    list_filter = ("stage", "side_state", "sector", "agreement_type")
    search_fields = ("reference", "name", "investor__name")
    autocomplete_fields = ("investor", "co_investors", "host_area", "sector", "lead_unit", "involved_units")
    readonly_fields = ("reference", "contract_value_cny", "first_event", "signed_on", "stage", "version")
    inlines = [SigningInline]

    def save_model(self, request, obj, form, change):
        from investledger.projects.services import _apply_money, _next_reference

        _apply_money(obj)
        if not obj.reference:
            obj.reference = _next_reference((obj.signed_on or obj.created or clock.today()).year)
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)
