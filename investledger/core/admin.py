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


class ServiceAdmin(AuditedAdmin):
    """An admin whose saves call the owning app's services, as the pages and the API do: `create(fields)`
    and `update(obj, fields)` write the record, its version and its audit entry; only `fields` (the names
    the services take) are editable. Deletes stay AuditedAdmin's."""

    service_fields: tuple[str, ...] = ()

    def create(self, fields: dict):
        raise NotImplementedError

    def update(self, obj, fields: dict):
        raise NotImplementedError

    def get_readonly_fields(self, request, obj=None):
        model = self.model
        return [
            f.name
            for f in model._meta.get_fields()
            if f.concrete and not f.auto_created and f.editable and f.name not in self.service_fields
        ]

    def save_model(self, request, obj, form, change):
        fields = {name: value for name, value in form.cleaned_data.items() if name in self.service_fields}
        saved = self.update(obj, fields) if change else self.create(fields)
        obj.__dict__.update(saved.__dict__)

    def save_related(self, request, form, formsets, change):
        # The service wrote the record and its audit entry.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


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
