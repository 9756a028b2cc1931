from django.contrib import admin

from investledger.core.admin import AuditedAdmin
from investledger.ledger.events.models import SigningEvent


@admin.register(SigningEvent)
class SigningEventAdmin(AuditedAdmin):
    list_display = ("name", "name_en", "kind", "date", "place")
    list_filter = ("kind",)
    search_fields = ("name", "name_en", "place")
    date_hierarchy = "date"
