"""Many press releases at once: several files, a .zip of them or a news feed, read in the background one by one.

`release_set_store` takes the uploaded files, opens any .zip among them with the same care as an
uploaded workbook (its directory checked before anything is inflated: number of files, declared
sizes, inflation ratio; names that climb out of the archive refused; no entry read past its declared
size), takes each item of a news feed (RSS or Atom, `kinds.feeds`) as a document with its link and
date, keeps each document under a name of its own and queues the reading for the worker. The worker
(`release_set_read`) reads each document as a single release is read (`releases.release_store`: its
own batch, a document read before recognised by its content hash) and counts its progress on the set,
which the page polls.
"""

from __future__ import annotations

import logging
import shutil
import uuid
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from investledger.core import access, clock
from investledger.core.access import Action
from investledger.intake import services
from investledger.intake.kinds import feeds, releases
from investledger.intake.models import ImportBatch, ReleaseSet
from investledger.intake.parsing import SheetError
from investledger.ledger.events.models import SigningEvent
from investledger.newsread import loaders

logger = logging.getLogger(__name__)

SUFFIXES = (".txt", ".htm", ".html", ".pdf", ".docx")
MAX_DOCUMENTS = 500  # documents in one set
MAX_SET_BYTES = 100 * 1024 * 1024  # the documents of one set together, as read (a .zip inflated)
MAX_RATIO = 100  # inflated / compressed, for a .zip entry above 1 MB
_RATIO_FLOOR = 1 << 20


def _folder(set_id: int | str) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "release-sets" / str(set_id)


def _too_many() -> SheetError:
    return SheetError(_("At most %(n)s releases can be read at once.") % {"n": MAX_DOCUMENTS})


def _too_big() -> SheetError:
    return SheetError(
        _("The releases together are larger than %(mb)s MB: hand them in a few at a time.")
        % {"mb": MAX_SET_BYTES >> 20}
    )


def _is_release(name: str) -> bool:
    return name.lower().endswith(SUFFIXES)


def _unsafe(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or ":" in name or "\x00" in name


def zip_documents(upload) -> Iterator[tuple[str, bytes | None, str]]:
    """The documents of an uploaded .zip: (name, bytes, "") for each release, (name, None, reason)
    for an entry that is not one. Refuses (SheetError) a zip that cannot be opened or looks hostile."""
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SheetError(_("“%(name)s” is not a .zip file that can be opened.") % {"name": upload.name}) from exc
    with archive:
        infos = [
            i
            for i in archive.infolist()
            if not i.is_dir()
            and not i.filename.startswith("__MACOSX/")
            and not PurePosixPath(i.filename).name[:1] == "."
        ]
        if len(infos) > MAX_DOCUMENTS:
            raise _too_many()
        for info in infos:
            if _unsafe(info.filename):
                raise SheetError(
                    _("The .zip file names a file outside its own folders (“%(name)s”): it was not read.")
                    % {"name": info.filename[:100]}
                )
            if info.flag_bits & 0x1:
                raise SheetError(_("The .zip file is encrypted: it cannot be read."))
            if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise SheetError(_("The .zip file inflates to far more than its size: it was not read."))
        if sum(i.file_size for i in infos if _is_release(i.filename)) > MAX_SET_BYTES:
            raise _too_big()
        for info in infos:
            name = info.filename[:255]
            if not _is_release(info.filename):
                yield name, None, _("Not a release (text, HTML, PDF or DOCX): not read.")
                continue
            if info.file_size > loaders.MAX_BYTES:
                yield name, None, str(releases.MESSAGES["too_large"])
                continue
            try:
                with archive.open(info) as fh:
                    data = fh.read(info.file_size + 1)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
                raise SheetError(
                    _("“%(name)s” in the .zip file could not be read: it was not read.") % {"name": name[:100]}
                ) from exc
            if len(data) > info.file_size:  # the directory lied about the size
                raise SheetError(_("The .zip file inflates to far more than its size: it was not read."))
            yield name, data, ""


def _too_large_file(upload) -> SheetError:
    return SheetError(
        _("“%(name)s” is larger than %(mb)s MB.") % {"name": upload.name, "mb": settings.INTAKE_MAX_FILE_BYTES >> 20}
    )


def feed_documents(upload) -> Iterator[tuple[str, bytes | None, str, dict[str, str]]]:
    """The items of an uploaded news feed, each a document: its title as name, its link and date kept."""
    if upload.size > settings.INTAKE_MAX_FILE_BYTES:
        raise _too_large_file(upload)
    data = upload.read(settings.INTAKE_MAX_FILE_BYTES + 1)
    for number, item in enumerate(feeds.items(data, upload.name, MAX_DOCUMENTS), start=1):
        name = (item.title or item.link or f"{upload.name} {number}")[:255]
        extra = {"source": item.link[:1000], "date": item.date, "file_name": feeds.file_name(item, number)}
        text = feeds.document(item)
        if not item.text.strip() and not item.title.strip():
            yield name, None, str(releases.MESSAGES["empty"]), extra
        elif len(text) > loaders.MAX_BYTES:
            yield name, None, str(releases.MESSAGES["too_large"]), extra
        else:
            yield name, text, "", extra


def documents(uploads: Iterable) -> Iterator[tuple[str, bytes | None, str, dict[str, str]]]:
    """The documents of the uploaded files, each .zip opened (one level deep), each feed's items taken."""
    for upload in uploads:
        if upload.name.lower().endswith(".zip"):
            if upload.size > settings.INTAKE_MAX_FILE_BYTES:
                raise _too_large_file(upload)
            for name, data, message in zip_documents(upload):
                yield name, data, message, {}
        elif feeds.is_feed(upload.name):
            yield from feed_documents(upload)
        elif not _is_release(upload.name):
            yield upload.name[:255], None, _("Not a release (text, HTML, PDF or DOCX): not read."), {}
        elif upload.size > loaders.MAX_BYTES:
            yield upload.name[:255], None, str(releases.MESSAGES["too_large"]), {}
        else:
            yield upload.name[:255], upload.read(), "", {}


def release_set_store(*, user, uploads: list, event: SigningEvent | None = None) -> ReleaseSet:
    """Keep the uploaded releases and queue their reading; refused (SheetError, nothing kept) when a
    .zip among them cannot be read safely or there are too many or too large documents."""
    if not access.can(user, Action.CREATE):
        raise PermissionError(str(releases.KIND.refused))
    key = uuid.uuid4().hex
    staging = _folder(f"new-{key}")
    staging.mkdir(parents=True, exist_ok=True)
    items: list[dict[str, Any]] = []
    size = 0
    try:
        for name, data, message, extra in documents(uploads):
            if len(items) >= MAX_DOCUMENTS:
                raise _too_many()
            item: dict[str, Any] = {"name": name, "batch": None, "deals": 0, "message": message, **extra}
            if data is not None:
                size += len(data)
                if size > MAX_SET_BYTES:
                    raise _too_big()
                suffix = PurePosixPath(extra.get("file_name", name)).suffix.lower()[:6]
                stored = f"{len(items) + 1:04d}{suffix}"
                (staging / stored).write_bytes(data)
                item["file"] = stored
            items.append(item)
        if not any("file" in item for item in items):
            raise SheetError(_("There is no release (text, HTML, PDF or DOCX) among these files."))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    names = [u.name for u in uploads]
    release_set = ReleaseSet.objects.create(
        uploaded_by=user,
        area=services._scope_area(user, Action.CREATE),
        event=event,
        name=(names[0] if len(names) == 1 else f"{names[0]} +{len(names) - 1}")[:255],
        total=len(items),
        items=items,
    )
    staging.rename(_folder(release_set.pk))
    from investledger.intake.tasks import read_release_set

    read_release_set.enqueue(release_set.pk, translation.get_language() or "")
    return release_set


def release_set_read(release_set: ReleaseSet) -> ReleaseSet:
    """Read every document of the set not read yet, each as a release of its own, counting progress."""
    folder = _folder(release_set.pk)
    items = list(release_set.items)
    done = sum(1 for item in items if item.get("read"))
    for item in items:
        if item.get("read"):
            continue
        if "file" in item:
            try:
                data = (folder / item["file"]).read_bytes()
                batch = releases.release_store(
                    user=release_set.uploaded_by,
                    data=data,
                    file_name=item.get("file_name") or item["name"],
                    event=release_set.event,
                )
            except (SheetError, PermissionError) as exc:
                item["message"] = str(exc)
            except Exception:  # one unreadable document must not stop the others
                logger.exception("release set %s: %s could not be read", release_set.pk, item["name"])
                item["message"] = str(releases.MESSAGES["unreadable"])
            else:
                item["batch"], item["deals"] = batch.pk, batch.rows_total
        item["read"] = True
        done += 1
        ReleaseSet.objects.filter(pk=release_set.pk).update(items=items, done=done, updated=clock.now())
    ReleaseSet.objects.filter(pk=release_set.pk).update(status=ReleaseSet.Status.READ, updated=clock.now())
    shutil.rmtree(folder, ignore_errors=True)
    release_set.refresh_from_db()
    return release_set


def stalled(release_set: ReleaseSet) -> bool:
    """Whether the reading stopped: still reading, with no document read for longer than a running
    import may go without progress (INTAKE_STALE_AFTER), as when the worker died."""
    from investledger.intake.stale import stale_after

    return release_set.status == ReleaseSet.Status.READING and clock.now() - release_set.updated > stale_after()


def release_set_resume(release_set: ReleaseSet) -> ReleaseSet:
    """Queue the reading of a stalled set again: the documents not read yet are read, the others kept."""
    if not stalled(release_set):
        raise services.ImportRefused(_("These releases are being read: wait for the reading to end."))
    from investledger.intake.tasks import read_release_set

    ReleaseSet.objects.filter(pk=release_set.pk).update(updated=clock.now())
    read_release_set.enqueue(release_set.pk, translation.get_language() or "")
    release_set.refresh_from_db()
    return release_set


def rows(release_set: ReleaseSet, user) -> list[dict[str, Any]]:
    """The documents of a set for the page: each read one's batch (if the reader may see it) and outcome."""
    ids = [item["batch"] for item in release_set.items if item.get("batch")]
    batches = {b.pk: b for b in ImportBatch.objects.visible_to(user).filter(pk__in=ids)}
    return [
        {**item, "batch": batches.get(item.get("batch")) if item.get("batch") else None} for item in release_set.items
    ]
