"""Background work of imports: reading and checking every upload, writing large ones (django-tasks;
`investledger worker` runs the queue)."""

from __future__ import annotations

import contextlib
import logging

from django.contrib.auth import get_user_model
from django.utils import translation

try:  # Django 6 has the tasks framework built in; 5.2 uses the backport.
    from django.tasks import task
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks import task

from investledger.intake.models import ImportBatch
from investledger.intake.services import ImportRefused, batch_commit, batch_confirm_mapping, batch_read, batch_validate

logger = logging.getLogger(__name__)


def _in(language: str):
    """The messages a task keeps (row errors, warnings, the batch's reason) are written in the
    language of the user who started it, as they would have been had the work run in their request."""
    return translation.override(language) if language else contextlib.nullcontext()


def _still_queued(batch_id: int, status: str) -> ImportBatch | None:
    """The batch, if it still waits for this task: a batch failed by the sweep of stuck imports while
    its task waited (or run again since) is left alone."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status != status:
        logger.info("import %s is no longer %s; its queued task does nothing", batch_id, status)
        return None
    return batch


@task()
def read_batch(batch_id: int, language: str = "", mapping: dict | None = None, check: bool = False) -> None:
    """Read an uploaded file's header and guess its mapping; with `check` (the API), confirm `mapping`
    (the guess if None) and check every row too."""
    batch = _still_queued(batch_id, ImportBatch.Status.READING)
    if batch is None:
        return
    with _in(language):
        batch = batch_read(batch)
        if not check or batch.status != ImportBatch.Status.MAPPING:
            return
        try:
            batch_confirm_mapping(
                batch=batch, mapping=mapping or batch.mapping, user=batch.uploaded_by, remember=bool(mapping)
            )
        except ImportRefused as exc:
            ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.MAPPING).update(
                status=ImportBatch.Status.FAILED, message=str(exc)
            )
            return
        batch_validate(batch)


@task()
def validate_batch(batch_id: int, language: str = "") -> None:
    batch = _still_queued(batch_id, ImportBatch.Status.VALIDATING)
    if batch is None:
        return
    with _in(language):
        batch_validate(batch)


@task()
def commit_batch(batch_id: int, user_id: int, language: str = "") -> None:
    batch = _still_queued(batch_id, ImportBatch.Status.COMMITTING)
    if batch is None:
        return
    user = get_user_model().objects.get(pk=user_id)
    try:
        with _in(language):
            batch_commit(batch=batch, user=user)
    except ImportRefused as exc:
        # The reason is kept on the batch for the page; the task itself ends normally.
        logger.info("import %s refused: %s", batch_id, exc)


@task()
def read_release_set(set_id: int, language: str = "") -> None:
    """Read the press releases handed in together, one batch each, counting the progress on the set."""
    from investledger.intake.kinds.release_sets import release_set_read
    from investledger.intake.models import ReleaseSet

    release_set = ReleaseSet.objects.filter(pk=set_id, status=ReleaseSet.Status.READING).first()
    if release_set is None:
        return
    with _in(language):
        release_set_read(release_set)
