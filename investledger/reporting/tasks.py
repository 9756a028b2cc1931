"""Background work: rebuilding the dashboard summary cells (`manage.py db_worker` runs it)."""

from __future__ import annotations

try:  # Django 6 ships the tasks framework; on 5.2 the django-tasks backport provides it
    from django.tasks import task
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks import task


@task()
def refresh_summary_task() -> dict:
    """Rebuild the summary cells as of today, unless they are already current."""
    from investledger.reporting import summary

    if summary.is_fresh():
        return {"skipped": True}
    return summary.refresh()
