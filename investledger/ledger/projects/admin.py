from django.contrib import admin

from investledger.core.admin import AuditedAdmin
from investledger.ledger.projects import services
from investledger.ledger.projects.models import Project, Signing


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
    """Projects in the admin are created and changed by the same services as on the pages and the API, so the
    counting rule recounts the signings and the light and milestone hooks run; only the fields those services
    take are editable here (the side state, stage and light have their own services)."""

    list_display = ("reference", "name", "investor", "host_area", "sector", "contract_value_cny", "stage")
    list_filter = ("stage", "side_state", "sector", "agreement_type")
    search_fields = ("reference", "name", "investor__name")
    autocomplete_fields = ("investor", "co_investors", "host_area", "sector", "lead_unit", "involved_units")
    inlines = [SigningInline]

    def get_readonly_fields(self, request, obj=None):
        return [
            f.name
            for f in Project._meta.get_fields()
            if f.concrete and not f.auto_created and f.name not in services.EDITABLE_FIELDS
        ]

    def save_model(self, request, obj, form, change):
        data = {name: value for name, value in form.cleaned_data.items() if name in services.EDITABLE_FIELDS}
        m2m = {name: data.pop(name) for name in services.M2M_FIELDS if name in data}
        if change:
            saved = services.project_update(project=obj, fields=data, m2m=m2m)
        else:
            saved = services.project_create(fields=data, m2m=m2m, confirm_not_duplicate=True)
        obj.__dict__.update(saved.__dict__)

    def save_related(self, request, form, formsets, change):
        # The service wrote the to-many fields and the audit entry; the signings inline is read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
