"""The investor form (bureau administrators keep the list of investors)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from investledger.core.forms import AmountField, BootstrapFormMixin, DateInput, VersionedFormMixin
from investledger.core.related import scope_choices
from investledger.ledger.investors import services
from investledger.ledger.investors.models import SOURCE_TEXT_MAX, Investor, InvestorProfile
from investledger.reference.choices import CooperationMode
from investledger.reference.models import Area, Sector


class InvestorForm(VersionedFormMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Investor
        fields = [name for name in services.INVESTOR_FIELDS if name != "is_demo"]  # demo data is not typed
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The parent group is chosen among the investors this user may see (the one access rule).
        parents = Investor.objects.visible_to(user).order_by("name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        scope_choices(self, user)
        self.style()

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        node = parent
        while node is not None and self.instance.pk:
            if node.pk == self.instance.pk:
                raise forms.ValidationError(_("An investor cannot belong to its own subsidiary."))
            node = node.parent
        return parent

    def service_fields(self) -> dict:
        """What `services.investor_create` / `investor_update` take from the form."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ProfileForm(BootstrapFormMixin, forms.Form):
    """An investor's profile: what it is looking for, each fact with where it was read and when."""

    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors of interest"), queryset=Sector.objects.all(), required=False, widget=forms.SelectMultiple
    )
    ticket_min_cny = AmountField(label=_("Smallest ticket"), required=False)
    ticket_max_cny = AmountField(label=_("Largest ticket"), required=False)
    regions = forms.ModelMultipleChoiceField(
        label=_("Preferred regions"), queryset=Area.objects.all(), required=False, widget=forms.SelectMultiple
    )
    modes = forms.MultipleChoiceField(
        label=_("Cooperation modes"),
        choices=CooperationMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ownership = forms.ChoiceField(label=_("Ownership"), choices=Investor.Ownership.choices)
    plans = forms.CharField(label=_("Stated plans"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, investor: Investor, user, **kwargs):
        profile = getattr(investor, "profile", None) if investor.pk else None
        kwargs.setdefault("initial", self.initial_from(investor, profile))
        super().__init__(*args, **kwargs)
        for fact, label in InvestorProfile.Fact.choices:
            self.fields[f"source_{fact}_text"] = forms.CharField(
                label=_("Source of “%(fact)s”") % {"fact": label}, required=False, max_length=SOURCE_TEXT_MAX
            )
            self.fields[f"source_{fact}_url"] = forms.URLField(
                label=_("Web address"), required=False, assume_scheme="https"
            )
            self.fields[f"source_{fact}_on"] = forms.DateField(label=_("Stated on"), required=False, widget=DateInput)
        scope_choices(self, user)
        self.style()

    @staticmethod
    def initial_from(investor: Investor, profile: InvestorProfile | None) -> dict:
        initial: dict = {"ownership": investor.ownership}
        if profile is None:
            return initial
        initial.update(
            sectors=list(profile.sectors.values_list("pk", flat=True)),
            regions=list(profile.regions.values_list("pk", flat=True)),
            ticket_min_cny=profile.ticket_min_cny,
            ticket_max_cny=profile.ticket_max_cny,
            modes=profile.modes,
            plans=profile.plans,
        )
        for fact, source in (profile.sources or {}).items():
            for key in ("text", "url", "on"):
                initial[f"source_{fact}_{key}"] = source.get(key, "")
        return initial

    def fact_groups(self) -> list[tuple[str, list, list]]:
        """Each fact's own fields beside the fields of its source, for the template."""
        own = {
            "sectors": ["sectors"],
            "ticket": ["ticket_min_cny", "ticket_max_cny"],
            "regions": ["regions"],
            "modes": ["modes"],
            "ownership": ["ownership"],
            "plans": ["plans"],
        }
        return [
            (label, [self[n] for n in own[fact]], [self[f"source_{fact}_{k}"] for k in ("text", "url", "on")])
            for fact, label in InvestorProfile.Fact.choices
        ]

    def sources(self) -> dict:
        data = self.cleaned_data
        sources = {}
        for fact in InvestorProfile.Fact.values:
            text, url, on = (data.get(f"source_{fact}_{k}") for k in ("text", "url", "on"))
            if text or url or on:
                sources[fact] = {"text": text or "", "url": url or "", "on": on.isoformat() if on else ""}
        return sources

    def rename(self) -> dict:
        """The service's field names on this form: a fact's source problems go under its source text."""
        return {f"source_{fact}": f"source_{fact}_text" for fact in InvestorProfile.Fact.values}
