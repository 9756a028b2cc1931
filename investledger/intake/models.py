"""Imports of spreadsheets into the ledger: batches, their rows, remembered column mappings, rates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from investledger.core.models import BaseModel, ScopedQuerySet
from investledger.core.money import RATE_FIELD, RateValidator
from investledger.intake import kinds
from investledger.intake.fields import Kind


class ExchangeRate(BaseModel):
    """The rate at which an amount in a foreign currency is converted to CNY, as recorded on a date.

    An import uses the latest rate on or before the signing date and stores it on the project
    (`fx_rate`, `fx_date`), so a later rate never changes an amount already in the ledger.
    """

    currency = models.CharField(_("currency"), max_length=3)
    rate = models.DecimalField(
        _("CNY per unit"), validators=[MinValueValidator(Decimal("0.000001")), RateValidator()], **RATE_FIELD
    )
    date = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=200, blank=True, help_text=_("e.g. PBOC central parity"))

    access_via = ("reference", None)

    class Meta:
        ordering = ["currency", "-date"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [models.UniqueConstraint(fields=["currency", "date"], name="exchange_rate_once_per_day")]

    def __str__(self) -> str:
        return f"{self.currency} {self.rate} ({self.date})"

    @classmethod
    def rate_on(cls, currency: str, day: dt.date):
        return cls.objects.filter(currency=currency, date__lte=day).order_by("-date").first()


class ColumnMapping(BaseModel):
    """A mapping of sheet columns to fields that a user confirmed, remembered for the next file.

    Keyed by the source (who sends the sheet, e.g. "North District monthly list") and the header
    signature (the normalised header texts), so the same layout from the same source maps itself.
    """

    source = models.CharField(_("source"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=kinds.choices)
    signature = models.CharField(_("header signature"), max_length=40)
    headers = models.JSONField(_("headers"), default=list)
    mapping = models.JSONField(_("mapping"), default=dict, help_text=_("column index: field"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    access_via = ("reference", None)

    class Meta:
        ordering = ["source", "kind"]
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "signature"], name="column_mapping_once_per_layout")
        ]

    def __str__(self) -> str:
        return f"{self.source} ({self.get_kind_display()})"


class ImportBatch(BaseModel):
    """One uploaded file on its way into the ledger: mapped, validated, previewed, then committed.

    A batch belongs to the area of the officer who uploaded it (none for city-wide staff), so it
    is seen by those whose scope covers that area. Progress counters are read by the page.
    """

    class Status(models.TextChoices):
        READING = "reading", _("Reading the file")
        REVIEWING = "reviewing", _("Waiting for the review")
        MAPPING = "mapping", _("Waiting for the column mapping")
        VALIDATING = "validating", _("Checking rows")
        VALIDATED = "validated", _("Ready to commit")
        COMMITTING = "committing", _("Writing to the ledger")
        COMMITTED = "committed", _("Committed")
        FAILED = "failed", _("Refused")

    kind = models.CharField(_("kind"), max_length=12, choices=kinds.choices, default=Kind.SIGNINGS)
    source = models.CharField(_("source"), max_length=120, blank=True)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=300)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("size"), default=0)
    file_format = models.CharField(_("format"), max_length=8, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("committed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    area = models.ForeignKey(
        "reference.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    event = models.ForeignKey(
        "events.SigningEvent",
        verbose_name=_("signing event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For rows that name no event."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.MAPPING)
    message = models.TextField(_("message"), blank=True)
    sheet_name = models.CharField(_("sheet"), max_length=100, blank=True)
    header_row = models.PositiveIntegerField(_("header row"), default=1)
    headers = models.JSONField(_("headers"), default=list)
    signature = models.CharField(_("header signature"), max_length=40, blank=True)
    mapping = models.JSONField(_("mapping"), default=dict)
    suggested = models.JSONField(_("suggested mapping"), default=dict)
    samples = models.JSONField(_("first rows"), default=list, help_text=_("A few data rows shown beside the mapping."))
    mapping_remembered = models.BooleanField(_("mapping remembered from an earlier file"), default=False)
    rows_total = models.PositiveIntegerField(_("rows in file"), default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_validated = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    warning_count = models.PositiveIntegerField(_("warnings"), default=0)
    new_count = models.PositiveIntegerField(_("new projects"), default=0)
    existing_count = models.PositiveIntegerField(_("existing projects"), default=0)
    committed_at = models.DateTimeField(_("committed"), null=True, blank=True)
    task_id = models.CharField(
        _("background task"),
        max_length=64,
        blank=True,
        help_text=_("The queued task checking or writing the batch, which the sweep of stuck imports looks up."),
    )

    access_via = ("area", "area")

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    # The states in which a background task (or a request, or the import command) works on the batch.
    RUNNING = (Status.READING, Status.VALIDATING, Status.COMMITTING)

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def can_commit(self) -> bool:
        return self.status == self.Status.VALIDATED and self.error_count == 0


class ImportChunk(models.Model):
    """Consecutive checked rows of a batch, kept together: the preview of every row, in file order.

    A batch of 100,000 rows is 50 chunks, not 100,000 table rows: the check writes each chunk once
    and the commit reads it back, so keeping the preview costs little beside writing the ledger.
    `rows` is the compressed JSON list of the rows as checked (cells, parsed values, errors,
    warnings, suspected duplicate); `results` what the commit did with each row (outcome, project).
    Rows that carry an error, a warning or a decision are also kept one by one as `ImportRow`,
    which the preview lists and where the user's decisions are recorded. `intake.preview` reads both.
    """

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="chunks")
    offset = models.PositiveIntegerField(_("first row's position"), help_text=_("Rows checked before this chunk."))
    size = models.PositiveIntegerField(_("rows"))
    first_number = models.PositiveIntegerField(_("first row"))
    last_number = models.PositiveIntegerField(_("last row"))
    rows = models.BinaryField(_("rows as checked"))
    results = models.BinaryField(_("results of the commit"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    access_via = ("area", "batch__area")

    class Meta:
        ordering = ["batch", "offset"]
        verbose_name = _("chunk of import rows")
        verbose_name_plural = _("chunks of import rows")
        constraints = [models.UniqueConstraint(fields=["batch", "offset"], name="import_chunk_once")]

    def __str__(self) -> str:
        return f"{self.batch_id} rows {self.first_number}-{self.last_number}"


class ImportRow(models.Model):
    """A data row of a batch that needs attention: it has an error, a warning or a decision to make.

    Every row, flagged or not, is kept in the batch's chunks (`ImportChunk`); a flagged row is also
    kept here, where the preview lists it and the user's decision (`resolution`) is recorded.
    `raw` keeps every cell of the row by header (mapped or not); `values` the parsed fields;
    `errors` and `warnings` what the check found; `outcome` what the commit did with it.
    """

    class Outcome(models.TextChoices):
        NEW = "new", _("New project")
        RESIGNING = "resigning", _("New signing of an existing project")
        UNCHANGED = "unchanged", _("Existing project, no change")
        REPORT_NEW = "report", _("New progress report")
        REPORT_CORRECTION = "correction", _("Correction of a progress report")
        OPPORTUNITY = "listed", _("New opportunity")
        ERROR = "error", _("Not imported")

    class Resolution(models.TextChoices):
        UNDECIDED = "", _("Undecided")
        SAME = "same", _("Same project: record a re-signing")
        NEW = "new", _("A different, new project")
        CONFIRM = "confirm", _("Figures confirmed as right")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(_("row"))
    raw = models.JSONField(_("cells"), default=dict)
    values = models.JSONField(_("values"), default=dict)
    errors = models.JSONField(_("errors"), default=list)
    warnings = models.JSONField(_("warnings"), default=list)
    duplicate_of = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(_("decision"), max_length=8, choices=Resolution.choices, blank=True, default="")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    project = models.ForeignKey("projects.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    access_via = ("area", "batch__area")

    class Meta:
        ordering = ["batch", "number"]
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        constraints = [models.UniqueConstraint(fields=["batch", "number"], name="import_row_once")]

    def __str__(self) -> str:
        return f"{self.batch_id} row {self.number}"

    @property
    def needs_decision(self) -> bool:
        return self.duplicate_of_id is not None and not self.resolution and not self.errors

    @property
    def needs_confirmation(self) -> bool:
        """A progress row whose funds in place exceed investment completed beyond the tolerance."""
        return bool(self.values.get("needs_confirmation")) and not self.resolution and not self.errors


class PressRelease(models.Model):
    """The document of a press-release batch, kept as its source: its text as read and what the
    reader proposed of it (`newsread`'s proposal, spans indexing `text`). `content_sha256` is the
    hash of the bytes handed in, by which a release read before is recognised."""

    batch = models.OneToOneField(ImportBatch, on_delete=models.CASCADE, related_name="release")
    text = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=8, blank=True)
    content_sha256 = models.CharField(_("content hash"), max_length=64, db_index=True)
    proposal = models.JSONField(_("proposal"), default=dict)

    objects = ScopedQuerySet.as_manager()
    access_via = ("area", "batch__area")

    class Meta:
        ordering = ["-batch"]
        verbose_name = _("press release")
        verbose_name_plural = _("press releases")

    def __str__(self) -> str:
        return str(self.batch)


class ReleaseDeal(models.Model):
    """One deal the reader proposed from a press release, and the officer's decision on it.

    `proposed` is the reader's deal as it came (investor, amount, evidence span...); `values` the
    fields of the signing-list row it becomes once accepted, as proposed or as the officer edited
    them. Only accepted deals are checked and written, as the rows of a signing list are.
    """

    class Decision(models.TextChoices):
        PENDING = "", _("Undecided")
        ACCEPTED = "accepted", pgettext_lazy("deal of a press release", "Accepted")
        REJECTED = "rejected", pgettext_lazy("deal of a press release", "Rejected")

    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="deals")
    number = models.PositiveIntegerField(_("deal"))
    proposed = models.JSONField(_("proposed"), default=dict)
    values = models.JSONField(_("values"), default=dict)
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices, blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = ScopedQuerySet.as_manager()
    access_via = ("area", "release__batch__area")

    class Meta:
        ordering = ["release", "number"]
        verbose_name = _("proposed deal")
        verbose_name_plural = _("proposed deals")
        constraints = [models.UniqueConstraint(fields=["release", "number"], name="release_deal_once")]

    def __str__(self) -> str:
        return f"{self.release_id} deal {self.number}"


class WatchSignal(models.Model):
    """A sign of trouble (terminated, suspended, withdrew...) or progress (groundbreaking, production...)
    that an article read by the intake gives about a project in the ledger, with its sentence.

    It changes nothing on the project: it waits on the project's page until a supervisor confirms or
    dismisses it (`watch.signal_decide`), and whoever acts on it does so through the project's own pages.
    """

    class Kind(models.TextChoices):
        TROUBLE = "trouble", _("Trouble")
        PROGRESS = "progress", _("Progress")

    class Status(models.TextChoices):
        PENDING = "pending", _("To confirm")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="signals")
    code = models.CharField(_("signal"), max_length=20)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    evidence = models.TextField(_("evidence"))
    span = models.JSONField(_("where in the article"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    access_via = ("project", "project")

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("watch signal")
        verbose_name_plural = _("watch signals")

    def __str__(self) -> str:
        return f"{self.code} · {self.project_id}"


class ReleaseSet(BaseModel):
    """Many press releases handed in at once (several files, or a .zip of them), read one by one in the
    background; each becomes its own release batch waiting for the review.

    `items` lists the documents in the order given: the name, the stored file (removed once read),
    and once read the batch it became (`batch`, `deals`) or why it did not (`message`). `done` counts
    those read, for the page that polls the progress. A set belongs to its uploader's area, as a batch.
    """

    class Status(models.TextChoices):
        READING = "reading", _("Reading the releases")
        READ = "read", _("Read")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        "reference.Area", verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    event = models.ForeignKey(
        "events.SigningEvent",
        verbose_name=_("signing event"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.READING)
    total = models.PositiveIntegerField(_("documents"), default=0)
    done = models.PositiveIntegerField(_("documents read"), default=0)
    items = models.JSONField(_("documents"), default=list)

    access_via = ("area", "area")

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("set of press releases")
        verbose_name_plural = _("sets of press releases")

    def __str__(self) -> str:
        return f"#{self.pk} {self.name}"
