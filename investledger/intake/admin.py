from django.contrib import admin

from investledger.intake.models import ColumnMapping, ExchangeRate, ImportBatch


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["currency", "rate", "date", "source"]
    list_filter = ["currency"]
    date_hierarchy = "date"


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    list_display = ["source", "kind", "signature", "confirmed_by", "updated"]
    list_filter = ["kind"]
    search_fields = ["source"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "file_name",
        "kind",
        "source",
        "status",
        "rows_validated",
        "error_count",
        "uploaded_by",
        "created",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["file_name", "source"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False  # batches come from uploads, which check the file and the user's scope
