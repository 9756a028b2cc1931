from django.contrib import admin

from investledger.core.admin import ServiceAdmin
from investledger.ledger.investors import services
from investledger.ledger.investors.models import Investor


@admin.register(Investor)
class InvestorAdmin(ServiceAdmin):
    list_display = ("name", "name_en", "origin", "ownership", "fortune_global_500")
    list_filter = ("origin", "ownership", "fortune_global_500")
    search_fields = ("name", "name_en")
    autocomplete_fields = ("parent",)
    service_fields = services.INVESTOR_FIELDS

    def create(self, fields):
        return services.investor_create(**fields)

    def update(self, obj, fields):
        return services.investor_update(investor=obj, fields=fields)
