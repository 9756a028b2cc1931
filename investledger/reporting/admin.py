from django.contrib import admin

from investledger.reporting.models import PublishedFigure, RankingWeight


@admin.register(RankingWeight)
class RankingWeightAdmin(admin.ModelAdmin):
    list_display = ("metric", "weight", "active")
    list_editable = ("weight", "active")


@admin.register(PublishedFigure)
class PublishedFigureAdmin(admin.ModelAdmin):
    list_display = ("__str__", "metric", "area", "sector", "event", "signed_from", "signed_to", "as_of", "published")
    list_editable = ("published",)
    list_filter = ("published", "metric")
    autocomplete_fields = ()
