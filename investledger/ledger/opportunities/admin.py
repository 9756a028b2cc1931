"""Opportunities in the administration: the category codelist edited freely (audited), lists and
opportunities through the same services as the pages and the API."""

from django.contrib import admin

from investledger.core.admin import AuditedAdmin
from investledger.ledger.opportunities import services
from investledger.ledger.opportunities.models import Interest, Opportunity, OpportunityCategory, OpportunityList


@admin.register(OpportunityCategory)
class OpportunityCategoryAdmin(AuditedAdmin):
    list_display = ("code", "name", "name_en", "position")
    search_fields = ("code", "name", "name_en")


@admin.register(OpportunityList)
class OpportunityListAdmin(AuditedAdmin):
    list_display = ("title", "title_en", "publishing_area", "released_on", "published")
    list_filter = ("published",)
    search_fields = ("title", "title_en")
    fields = services.LIST_FIELDS

    def get_queryset(self, request):
        return OpportunityList.objects.visible_to(request.user)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.LIST_FIELDS if name in form.cleaned_data}
        if change:
            saved = services.list_update(opportunity_list=obj, fields=data)
        else:
            saved = services.list_create(fields=data)
        obj.__dict__.update(saved.__dict__)

    def save_related(self, request, form, formsets, change):
        pass  # the service wrote the record and its audit entry


@admin.register(Opportunity)
class OpportunityAdmin(AuditedAdmin):
    """The status, and the project an opportunity became, change on the opportunity's page (with a reason)."""

    list_display = ("title", "list", "category", "host_area", "estimated_value_cny", "status")
    list_filter = ("status", "category", "cooperation_mode")
    search_fields = ("title", "title_en")
    fields = ("list", *services.OPPORTUNITY_FIELDS, "sectors")
    autocomplete_fields = ("sectors",)

    def get_queryset(self, request):
        return Opportunity.objects.visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        return ("list",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.OPPORTUNITY_FIELDS if name in form.cleaned_data}
        sectors = list(form.cleaned_data.get("sectors") or [])
        if change:
            saved = services.opportunity_update(opportunity=obj, fields=data, sectors=sectors)
        else:
            saved = services.opportunity_create(
                opportunity_list=form.cleaned_data["list"], fields=data, sectors=sectors
            )
        obj.__dict__.update(saved.__dict__)

    def save_related(self, request, form, formsets, change):
        pass  # the service wrote the sectors and the audit entry


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    """Read only: interest is left on the public catalogue and handled in the inbox."""

    list_display = ("created", "organisation", "name", "opportunity", "state")
    list_filter = ("state",)

    def get_queryset(self, request):
        return Interest.objects.visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
