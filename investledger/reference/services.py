"""Changes to areas: create, edit and move, each validated and audited in one transaction.

Access follows an area's `path`: a district officer of North sees the projects hosted anywhere
under North's path. Moving an area to another parent therefore moves all its projects (and those of
its sub-areas) from one officer's scope to another's. A move rewrites the path and depth of every
area in the subtree, records one audit entry per area it changed, and can be previewed first
(`area_move_preview`) to say how many projects change hands.

Each function takes the user acting (`by`; None for the system's own jobs) and holds them to the one
access rule: an administrator limited to an area manages only that area's sub-areas
(`access.area_q(by, Action.MANAGE)`). An area outside that scope, or a new parent outside it, is
answered exactly like an id that does not exist (`Area.DoesNotExist`, or the parent field's
"does not exist"), so the rest of the tree cannot be probed or rearranged.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from investledger.core import access, audit
from investledger.core.access import Action
from investledger.core.models import AuditEntry
from investledger.reference.models import Area

# Fields a client or an administrator may set on an area; path and depth follow from the parent.
EDITABLE_FIELDS = ("code", "name", "name_en", "kind", "parent")


@dataclass(frozen=True)
class MovePreview:
    """What moving `area` under `new_parent` changes, computed before the move."""

    area: Area
    old_parent: Area | None
    new_parent: Area | None
    areas: int  # the area and its sub-areas, whose paths are rewritten
    projects: int  # projects hosted in any of them, which change scope

    @property
    def moves(self) -> bool:
        return (self.old_parent.pk if self.old_parent else None) != (self.new_parent.pk if self.new_parent else None)

    @property
    def message(self) -> str:
        if not self.moves:
            return _("%(area)s stays where it is.") % {"area": self.area.label}
        return _("Moving %(area)s moves %(projects)s (in %(areas)s) from %(old)s to %(new)s.") % {
            "area": self.area.label,
            "projects": ngettext("%(count)d project", "%(count)d projects", self.projects) % {"count": self.projects},
            "areas": ngettext("%(count)d area", "%(count)d areas", self.areas) % {"count": self.areas},
            "old": self.old_parent.label if self.old_parent else _("the top level"),
            "new": self.new_parent.label if self.new_parent else _("the top level"),
        }

    def as_dict(self) -> dict:
        return {
            "area": self.area.pk,
            "from_parent": self.old_parent.pk if self.old_parent else None,
            "to_parent": self.new_parent.pk if self.new_parent else None,
            "areas": self.areas,
            "projects": self.projects,
            "message": self.message,
        }


def _check_not_cycle(area: Area, new_parent: Area | None) -> None:
    if new_parent is not None and area.pk is not None and new_parent.path.startswith(area.path):
        if new_parent.pk == area.pk:
            message = _("An area cannot be part of itself.")
        else:
            message = _("%(area)s cannot be placed under %(parent)s, which is one of its own sub-areas.") % {
                "area": area.label,
                "parent": new_parent.label,
            }
        raise ValidationError({"parent": message})


def manageable(by) -> models.QuerySet:
    """The areas `by` may create under, edit and move, and move others to (None: the system, all)."""
    return Area.objects.all() if by is None else Area.objects.filter(access.area_q(by, Action.MANAGE))


def parent_not_found(pk) -> ValidationError:
    """What a parent outside the user's scope is answered: the words of an id that does not exist."""
    return ValidationError({"parent": _("No area with id %(id)s exists.") % {"id": pk}})


def _check_parent(by, parent: Area | None) -> None:
    if parent is not None and not manageable(by).filter(pk=parent.pk).exists():
        raise parent_not_found(parent.pk)


def area_move_preview(*, area: Area, new_parent: Area | None, by) -> MovePreview:
    """How many areas and projects a move would carry, without changing anything.

    Refuses (ValidationError on `parent`) a move under the area itself or one of its sub-areas, and
    (as if they did not exist) an area or a new parent outside `by`'s scope.
    """
    stored = manageable(by).select_related("parent").get(pk=area.pk)
    new_parent = Area.objects.get(pk=new_parent.pk) if new_parent is not None else None
    _check_parent(by, new_parent)
    _check_not_cycle(stored, new_parent)
    return MovePreview(
        area=stored,
        old_parent=stored.parent,
        new_parent=new_parent,
        areas=Area.objects.filter(path__startswith=stored.path).count(),
        projects=stored.hosted_project_count(),
    )


@transaction.atomic
def area_create(*, fields: dict, by) -> Area:
    _check_parent(by, fields.get("parent"))
    area = Area(**{name: value for name, value in fields.items() if name in EDITABLE_FIELDS})
    area.full_clean()
    area.save()
    audit.record(area, AuditEntry.Kind.CREATE)
    return area


@transaction.atomic
def area_update(*, area: Area, fields: dict, by) -> Area:
    """Change an area's fields; a new parent moves the area and its whole subtree.

    Every field given is stored (not only the path). The moved subtree's paths and depths are
    rewritten in the same transaction, each changed area gets its own audit entry.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable on an area: {sorted(unknown)}")
    locked = manageable(by).select_for_update().get(pk=area.pk)
    if "parent" in fields:
        _check_parent(by, fields["parent"])
    old_path = locked.path
    before = audit.snapshot(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    if "parent" in fields:
        new_parent = Area.objects.select_for_update().get(pk=locked.parent.pk) if locked.parent else None
        locked.parent = new_parent
        _check_not_cycle(locked, new_parent)
    locked.full_clean()
    locked._moving_subtree = True
    locked.save()
    audit.record(locked, AuditEntry.Kind.UPDATE, before=before)
    if locked.path != old_path:
        _rewrite_subtree(old_path=old_path, new_path=locked.path, depth_change=locked.depth - before["depth"])
    area.__dict__.update({k: v for k, v in locked.__dict__.items() if k != "_moving_subtree"})
    return locked


def _rewrite_subtree(*, old_path: str, new_path: str, depth_change: int) -> None:
    """Give every sub-area below `old_path` its path under `new_path`, with one audit entry each."""
    descendants = list(
        Area.objects.select_for_update().filter(path__startswith=old_path).exclude(path=old_path).order_by("path")
    )
    befores = [audit.snapshot(a) for a in descendants]
    for a in descendants:
        a.path = new_path + a.path[len(old_path) :]
        a.depth += depth_change
    Area.objects.bulk_update(descendants, ["path", "depth"], batch_size=500)
    audit.record_many(
        (a, AuditEntry.Kind.UPDATE, before, audit.snapshot(a), "moved with its parent area")
        for a, before in zip(descendants, befores, strict=True)
    )
