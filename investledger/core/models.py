"""Generic machinery shared by every domain app: base model, scoped querysets and the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from investledger.core.access import Action, scope_q


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows the one access rule: `.visible_to(user, action)`."""

    def visible_to(self, user, action: str = Action.VIEW):
        q = scope_q(self.model, user, action)
        qs = self.filter(q)
        kind, _path = getattr(self.model, "access_via", ("reference", None))
        # Scope filters that cross to-many relations (contacts, involved units) can repeat rows.
        if kind == "project" and q.children:
            qs = qs.distinct() if _crosses_many(q) else qs
        return qs


def _crosses_many(q) -> bool:
    def walk(node):
        for child in node.children:
            if isinstance(child, tuple):
                if "contacts" in child[0] or "involved_units" in child[0]:
                    return True
            elif walk(child):
                return True
        return False

    return walk(q)


class BaseModel(models.Model):
    """Created/updated timestamps and the scoped manager every ledger model shares."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class BilingualNameMixin(models.Model):
    """A record named in Chinese (the official name) and in English, shown in the reader's language."""

    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def label(self) -> str:
        from django.utils.translation import get_language

        lang = get_language() or "en"
        if lang.startswith("zh"):
            return self.name or self.name_en
        return self.name_en or self.name

    def __str__(self) -> str:
        return self.label


class AuditEntry(models.Model):
    """One change to ledger data: who, when, from where, what, before and after.

    `snapshot` is the object's whole state after the change (None for a deletion); `changes` holds
    each changed field as [before, after], and is empty for a creation, whose state is the snapshot.

    Entries are append-only and hash-chained: each entry's hash covers its own content and the
    previous entry's hash, so `investledger audit verify` finds any entry altered, removed or
    inserted out of order. On PostgreSQL a trigger also refuses UPDATE and DELETE.
    """

    class Kind(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        STAGE = "stage", _("stage changed")
        ACTION = "action", _("action")

    id = models.BigAutoField(primary_key=True)
    timestamp = models.DateTimeField(_("time"), db_index=True)
    # actor and content_type have no foreign-key constraint in the database: on PostgreSQL each one is
    # checked at COMMIT for every entry (seconds for a large import, docs/benchmarks.md), and the table is
    # append-only, so a reference is never changed after it is written. Django still applies
    # on_delete=PROTECT: deleting a user or a content type that has entries is refused.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(_("who"), max_length=150, blank=True)
    source = models.CharField(_("from"), max_length=200, blank=True, help_text=_("request id or command"))
    # Found through audit_object_idx (content_type, object_id, id); nothing looks up object_id alone.
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    kind = models.CharField(_("change"), max_length=10, choices=Kind.choices)
    message = models.CharField(_("note"), max_length=500, blank=True)
    # Empty for a creation, whose state is the snapshot (older creations also list it here as
    # [null, value] pairs); `audit.changes_of()` reads both forms.
    changes = models.JSONField(
        _("changes"), default=dict, help_text=_("field: [before, after]; empty for a creation (see the state after)")
    )
    snapshot = models.JSONField(_("state after"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)  # unique: see Meta.constraints

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["content_type", "object_id", "id"], name="audit_object_idx")]
        # A constraint rather than `unique=True`, which on PostgreSQL also builds a varchar_pattern_ops
        # index for LIKE that no query of a hash needs.
        constraints = [models.UniqueConstraint(fields=["hash"], name="audit_hash_unique")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.object_repr}"


class DailyRun(models.Model):
    """The day's scans (`investledger daily`) for one day: when they were queued, started and finished.

    The background worker looks here to run the scans itself on a day nobody ran them.
    """

    day = models.DateField(_("day"), unique=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("daily run")
        verbose_name_plural = _("daily runs")

    def __str__(self) -> str:
        return f"{self.day}"


class ReferenceSequence(models.Model):
    """The last reference number handed out in a series for a year (P2022-00001, Q2026-0003, ...).

    `core.references.reserve` locks the row, so two writers at the same moment never get the same number.
    """

    series = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reference sequence")
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="core_reference_series_year")]

    def __str__(self) -> str:
        return f"{self.series}{self.year}-{self.last}"


from investledger.core.models_chain import AuditChainHead  # noqa: E402,F401
