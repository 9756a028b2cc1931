"""Forms of the issue register, notices and inspections. The services do the validation that matters."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from investledger.core.access import Action, area_q, project_q
from investledger.core.forms import BootstrapFormMixin
from investledger.core.related import scope_choices
from investledger.core.widgets import FastSelect
from investledger.escalation.models import Inspection, Issue, Notice
from investledger.escalation.permissions import RAISE_ACTIONS
from investledger.ledger.projects.models import Project
from investledger.reference.models import Area, Unit


class IssueForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Issue
        fields = ["title", "category", "responsible_unit", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "responsible_unit": _("The department that must act. It will see this project and be told at once."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = Unit.objects.order_by("code")
        scope_choices(self, user)


class IssueRaiseForm(IssueForm):
    """An issue raised from the issue list: the project is chosen among those the reporter may raise on."""

    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(), widget=FastSelect)

    field_order = ["project", "title", "category", "responsible_unit", "description"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        raisable = Q()
        for action in RAISE_ACTIONS:
            raisable |= project_q(user, action)
        ids = Project.objects.filter(raisable).values("pk")
        self.fields["project"].queryset = (
            Project.objects.filter(pk__in=ids).select_related("host_area").order_by("host_area__path", "reference")
        )
        self.fields["project"].label_from_instance = lambda p: f"{p.reference} {p.name} · {p.host_area.label}"
        self.order_fields(self.field_order)


class _VersionedForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class IssueStepForm(_VersionedForm):
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Write what was done: this text goes on the record.")},
    )


class IssueCloseForm(_VersionedForm):
    resolution = forms.CharField(
        label=_("Resolution"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Record how the issue was resolved before closing it.")},
    )


class NoticeForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Notice
        fields = ["colour", "subject", "body", "project", "area", "deadline"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4}), "deadline": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "project": _("For a notice about one project. Leave empty for a notice to a whole area."),
            "area": _("For a notice to an area. A project's notice goes to its host area."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.visible_to(user, Action.SUPERVISE).order_by("name")
        self.fields["area"].queryset = Area.objects.filter(area_q(user, Action.SUPERVISE)).order_by("path")
        self.fields["area"].required = False
        scope_choices(self, user)

    def clean(self):
        data = super().clean()
        project, area = data.get("project"), data.get("area")
        if not project and not area:
            self.add_error("area", _("Choose the project or the area this notice is about."))
        if project and area and not project.host_area.path.startswith(area.path):
            self.add_error("area", _("The project is not in this area; leave the area empty for a project notice."))
        if project:
            data["area"] = project.host_area
        return data


class AcknowledgeForm(BootstrapFormMixin, forms.Form):
    reply = forms.CharField(
        label=_("Reply"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Say what the district is doing about this notice.")},
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class InspectionForm(BootstrapFormMixin, forms.ModelForm):
    photos = MultiplePhotoField(
        label=_("Photos"), required=False, help_text=_("JPEG, PNG or WebP images; several may be chosen.")
    )

    class Meta:
        model = Inspection
        fields = ["project", "kind", "visited_on", "inspectors", "outcome", "findings"]
        widgets = {"findings": forms.Textarea(attrs={"rows": 5}), "visited_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.visible_to(user, Action.SUPERVISE).order_by("name")
        scope_choices(self, user)


class PhotoForm(BootstrapFormMixin, forms.Form):
    photo = forms.FileField(
        label=_("Photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
    )
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
