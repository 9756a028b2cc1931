"""Values kept in the cache with their lazy translations resolved.

A lazily translated string (gettext_lazy) pickles as a recipe: on every cache hit, unpickling it
builds a new proxy class (django.utils.functional.lazy), about 6 ms each. A dashboard holds some
80 of them, so a cached dashboard cost half a second of CPU to read back, more than building its
figures. `freeze` pickles a value with each lazy string turned into the text it reads in the active
language (so the cache key must name the language), and `thaw` reads it back.
"""

from __future__ import annotations

import io
import pickle
from typing import Any

from django.utils.functional import Promise


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, Promise):
            return str, (str(obj),)
        return NotImplemented


def freeze(value: Any) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def thaw(data: bytes) -> Any:
    return pickle.loads(data)  # noqa: S301  # our own cache's bytes, written by freeze()
