from django.contrib import admin

from investledger.core.admin import AuditedAdmin
from investledger.ledger.investors.models import Investor


@admin.register(Investor)
class InvestorAdmin(AuditedAdmin):
    list_display = ("name", "name_en", "origin", "ownership", "fortune_global_500")
    list_filter = ("origin", "ownership", "fortune_global_500")
    search_fields = ("name", "name_en")
    autocomplete_fields = ("parent",)
