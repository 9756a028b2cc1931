"""Background work for large imports (django-tasks; `investledger db_worker` runs the queue)."""

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
from investledger.intake.services import ImportRefused, batch_commit, batch_validate

logger = logging.getLogger(__name__)


def _in(language: str):
    """The messages a task keeps (row errors, warnings, the batch's reason) are written in the
    language of the user who started it, as they would have been had the work run in their request."""
    return translation.override(language) if language else contextlib.nullcontext()


@task()
def validate_batch(batch_id: int, language: str = "") -> None:
    batch = ImportBatch.objects.get(pk=batch_id)
    with _in(language):
        batch_validate(batch)


@task()
def commit_batch(batch_id: int, user_id: int, language: str = "") -> None:
    batch = ImportBatch.objects.get(pk=batch_id)
    user = get_user_model().objects.get(pk=user_id)
    try:
        with _in(language):
            batch_commit(batch=batch, user=user)
    except ImportRefused as exc:
        # The reason is kept on the batch for the page; the task itself ends normally.
        logger.info("import %s refused: %s", batch_id, exc)
