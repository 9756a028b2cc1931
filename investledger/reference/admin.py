from django.contrib import admin

from investledger.core.admin import AuditedAdmin
from investledger.reference.models import Area, Sector, Unit


@admin.register(Area)
class AreaAdmin(AuditedAdmin):
    list_display = ("name", "name_en", "kind", "parent", "code")
    list_filter = ("kind",)
    search_fields = ("name", "name_en", "code")


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("name", "name_en", "kind", "area", "code")
    list_filter = ("kind",)
    search_fields = ("name", "name_en", "code")


@admin.register(Sector)
class SectorAdmin(AuditedAdmin):
    list_display = ("name", "name_en", "parent", "strategic_emerging", "position")
    list_filter = ("strategic_emerging",)
    search_fields = ("name", "name_en", "code")
