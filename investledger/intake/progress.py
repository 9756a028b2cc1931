"""Progress of a running import, readable from any process while the commit transaction is open.

The commit writes the ledger in one transaction, so counters saved on the batch inside it would
not be seen by the page polling for progress until the very end. Progress is therefore also kept
in a small file per batch under the data directory, which the page reads.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.conf import settings


def _path(batch_id: int) -> Path:
    folder = Path(settings.DATA_DIR) / "intake-progress"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{batch_id}.json"


def write(batch_id: int, **counts) -> None:
    path = _path(batch_id)
    data = read(batch_id)
    data.update(counts, at=time.time())  # real time: when the worker last wrote progress
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)


def read(batch_id: int) -> dict:
    try:
        return json.loads(_path(batch_id).read_text())
    except (FileNotFoundError, ValueError):
        return {}


def clear(batch_id: int) -> None:
    _path(batch_id).unlink(missing_ok=True)
