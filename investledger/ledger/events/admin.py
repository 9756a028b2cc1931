from django.contrib import admin

from investledger.core.admin import ServiceAdmin
from investledger.ledger.events import services
from investledger.ledger.events.models import SigningEvent


@admin.register(SigningEvent)
class SigningEventAdmin(ServiceAdmin):
    list_display = ("name", "name_en", "kind", "date", "place")
    list_filter = ("kind",)
    search_fields = ("name", "name_en", "place")
    date_hierarchy = "date"
    service_fields = services.EVENT_FIELDS

    def create(self, fields):
        return services.event_create(fields=fields)

    def update(self, obj, fields):
        return services.event_update(event=obj, fields=fields)
