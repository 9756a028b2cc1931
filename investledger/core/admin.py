"""Admin plumbing: every admin save and delete of ledger data goes through the audit trail."""

from django.contrib import admin
from django.db import transaction

from investledger.core import audit
from investledger.core.models import AuditEntry


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes write an audit entry in the same transaction."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
            super().save_model(request, obj, form, change)
            self._pending = (obj, before, change)

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            obj, before, change = self._pending
            audit.record(obj, AuditEntry.Kind.UPDATE if change else AuditEntry.Kind.CREATE, before=before)

    def delete_model(self, request, obj):
        with transaction.atomic():
            before = audit.snapshot(obj)
            pk = obj.pk
            super().delete_model(request, obj)
            obj.pk = pk
            audit.record(obj, AuditEntry.Kind.DELETE, before=before)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("id", "timestamp", "actor_name", "source", "kind", "object_repr")
    list_filter = ("kind", "content_type")
    search_fields = ("object_repr", "actor_name", "source")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
