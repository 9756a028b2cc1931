"""Reference data the bureau configures: areas, units and the sector taxonomy."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from investledger.core.models import BaseModel, BilingualNameMixin


class Area(BilingualNameMixin, BaseModel):
    """A place that hosts projects: the city, its districts and counties, and their zones and parks.

    Areas nest city → district/county → zone/park. `path` ("/1/4/9/") is kept by `save()` from the
    parent chain so that "this area and all its sub-areas" is one indexed prefix filter; a move
    rewrites the paths of the whole subtree (reference/services.py).
    """

    class Kind(models.TextChoices):
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        COUNTY = "county", _("County")
        ZONE = "zone", _("Development zone")
        PARK = "park", _("Park")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)
    _moving_subtree = False  # set by services.update_area while it rewrites the sub-areas' paths itself
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    access_via = ("reference", None)

    class Meta:
        ordering = ["path"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def clean(self):
        node = self.parent
        while node is not None:
            if self.pk and node.pk == self.pk:
                if self.parent.pk == self.pk:
                    raise ValidationError({"parent": _("An area cannot be part of itself.")})
                raise ValidationError(
                    {
                        "parent": _("%(area)s cannot be placed under %(parent)s, which is one of its own sub-areas.")
                        % {"area": self.label, "parent": self.parent.label}
                    }
                )
            node = node.parent

    def place(self) -> None:
        """Set `path` and `depth` from the parent chain (the pk must be known)."""
        self.depth = self.parent.depth + 1 if self.parent else 0
        self.path = f"{self.parent.path if self.parent else '/'}{self.pk}/"

    def save(self, *args, **kwargs):
        """Save every field, with `path` and `depth` following the parent.

        Moving an area also moves its sub-areas; reference/services.py does that (with the preview,
        the cycle check and an audit entry per area), so a plain save that changes the parent of an
        area with sub-areas is refused rather than leaving their paths behind.
        """
        if self.pk is None:
            super().save(*args, **kwargs)
            self.place()
            super().save(using=kwargs.get("using"), update_fields=["path", "depth"])
            return
        old_path = self.path
        self.place()
        if old_path and old_path != self.path and not self._moving_subtree:
            if Area.objects.filter(path__startswith=old_path).exclude(pk=self.pk).exists():
                raise ValueError("move an area with sub-areas through reference.services.area_update()")
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"path", "depth"}
        super().save(*args, **kwargs)

    def subtree(self):
        return Area.objects.filter(path__startswith=self.path)

    def hosted_project_count(self) -> int:
        """Projects hosted by the area or any area under it, counted through their `host_area`
        (the relation's reverse name, `projects`), so reference imports no app above it."""
        return self.subtree().aggregate(count=models.Count("projects"))["count"]

    def ancestors(self):
        ids = [int(x) for x in self.path.strip("/").split("/") if x]
        return Area.objects.filter(pk__in=ids).order_by("depth")


class Unit(BilingualNameMixin, BaseModel):
    """A department that leads projects or must act on their issues (natural resources, power supply...)."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("Investment promotion bureau")
        DEPARTMENT = "department", _("City department")
        COMMITTEE = "committee", _("District or zone committee")
        UTILITY = "utility", _("Utility or service provider")
        OTHER = "other", _("Other")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.DEPARTMENT)
    area = models.ForeignKey(Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT)

    access_via = ("reference", None)

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")


class Sector(BilingualNameMixin, BaseModel):
    """An industry chain of the city's taxonomy, optionally under a broader one.

    `strategic_emerging` marks sectors in the national classification of strategic emerging
    industries (2018), which the bureau's "share in strategic emerging industries" counts.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    strategic_emerging = models.BooleanField(_("strategic emerging industry"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    access_via = ("reference", None)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def subtree_ids(self) -> list[int]:
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = list(Sector.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.extend(frontier)
        return ids
