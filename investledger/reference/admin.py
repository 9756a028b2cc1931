from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from investledger.core.admin import AuditedAdmin
from investledger.reference import services
from investledger.reference.models import Area, Sector, Unit


class AreaAdminForm(forms.ModelForm):
    """An area's fields; a new parent is previewed (how many projects change scope) and must be confirmed."""

    confirm_move = forms.BooleanField(
        label=_("Confirm the move"),
        required=False,
        help_text=_("Moving an area moves its sub-areas and all their projects into the new parent's scope."),
    )

    class Meta:
        model = Area
        fields = services.EDITABLE_FIELDS

    user = None  # set by AreaAdmin.get_form: the parent is one of the areas this user may manage

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "parent" in self.fields:
            self.fields["parent"].queryset = services.manageable(self.user)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or "parent" not in self.changed_data or self.has_error("parent"):
            return cleaned
        try:
            preview = services.area_move_preview(area=self.instance, new_parent=cleaned.get("parent"), by=self.user)
        except ValidationError:
            return cleaned  # a cycle: the model's own check names it on the parent field
        self.move_preview = preview
        if preview.moves and not cleaned.get("confirm_move"):
            self.add_error(
                "confirm_move",
                _("%(preview)s Tick “Confirm the move” and save again to move it.") % {"preview": preview.message},
            )
        return cleaned


@admin.register(Area)
class AreaAdmin(AuditedAdmin):
    """Areas are created and moved through reference.services, like in the API."""

    form = AreaAdminForm
    list_display = ("name", "name_en", "kind", "parent", "code")
    list_filter = ("kind",)
    search_fields = ("name", "name_en", "code")
    readonly_fields = ("hosted_projects",)

    def get_queryset(self, request):
        # An administrator limited to an area finds only its sub-areas; others are "not found".
        return services.manageable(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    @admin.display(description=_("projects hosted (with sub-areas)"))
    def hosted_projects(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        return obj.hosted_project_count()

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS if name in form.cleaned_data}
        if change:
            changed = {name: value for name, value in fields.items() if name in form.changed_data}
            saved = services.area_update(area=Area.objects.get(pk=obj.pk), fields=changed, by=request.user)
        else:
            saved = services.area_create(fields=fields, by=request.user)
        obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})

    def save_related(self, request, form, formsets, change):
        admin.ModelAdmin.save_related(self, request, form, formsets, change)  # no relations of its own


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
