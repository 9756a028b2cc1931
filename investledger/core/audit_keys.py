"""The audit key: what makes the audit trail's hashes and checkpoints impossible to recompute without it.

Entries carry HMAC-SHA256 of their canonical text, keyed with a key read from the environment or a
key file (settings.AUDIT_KEY), never from the database: whoever can write the database but does not
hold the key can no longer rewrite an entry and recompute its hash, or the hashes after it.

Each use gets a key of its own derived from the configured one (HMAC of a fixed label), so an entry's
hash can never be passed off as a checkpoint's signature or the reverse, and the key's public id (a
short fingerprint printed in checkpoints) reveals nothing about it.

Retired keys (settings.AUDIT_OLD_KEYS, newest first) stay usable for verifying what they signed.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

ENTRY_LABEL = b"investledger audit entry v1"
CHECKPOINT_LABEL = b"investledger audit checkpoint v1"
ID_LABEL = b"investledger audit key id v1"


@dataclass(frozen=True)
class Key:
    """One configured key, as its derived keys. `id` is public: 12 hex digits of a fingerprint."""

    id: str
    entry: bytes
    checkpoint: bytes


@functools.lru_cache(maxsize=16)
def _derive(secret: str) -> Key:
    raw = secret.encode()
    return Key(
        id=hmac.digest(raw, ID_LABEL, "sha256").hex()[:12],
        entry=hmac.digest(raw, ENTRY_LABEL, "sha256"),
        checkpoint=hmac.digest(raw, CHECKPOINT_LABEL, "sha256"),
    )


def current() -> Key:
    """The key new entries and checkpoints are signed with."""
    return _derive(settings.AUDIT_KEY)


def keyring() -> list[Key]:
    """The current key first, then the retired ones, newest first (each once)."""
    keys = [current()]
    for secret in getattr(settings, "AUDIT_OLD_KEYS", ()):
        key = _derive(secret)
        if key not in keys:
            keys.append(key)
    return keys


def entry_hash(canonical: bytes, key: Key | None = None) -> str:
    """The keyed hash of an entry's canonical text (hex). `hmac.digest` is OpenSSL's one-shot HMAC."""
    return hmac.digest((key or current()).entry, canonical, "sha256").hex()


def entry_hasher(key: Key | None = None) -> Callable[[bytes], str]:
    """`entry_hash` with the key fixed, for many entries (the import's bulk writer).

    The same HMAC-SHA256 (RFC 2104), with the key's inner and outer SHA-256 states made once: each
    entry then costs two state copies where `hmac.digest` sets the key up again, which costs more than
    hashing the entry (docs/benchmarks.md, "Keyed audit hashes"). The tests compare it with
    `hmac.digest`.
    """
    block = (key or current()).entry.ljust(64, b"\0")  # derived keys are 32 bytes: padded, never hashed
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def digest(canonical: bytes) -> str:
        state = inner.copy()
        state.update(canonical)
        result = outer.copy()
        result.update(state.digest())
        return result.hexdigest()

    return digest


def plain_hash(canonical: bytes) -> str:
    """The hash entries carried before the key: SHA-256 of the same text, which anyone can recompute."""
    return hashlib.sha256(canonical).hexdigest()


def sign(payload: bytes, key: Key | None = None) -> str:
    return hmac.digest((key or current()).checkpoint, payload, "sha256").hex()


def by_id(key_id: str) -> Key | None:
    return next((key for key in keyring() if key.id == key_id), None)
