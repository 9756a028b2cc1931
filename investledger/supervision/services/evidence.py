"""Evidence files of milestones met: checked by their content, stored with their audit entries."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from investledger.core import audit
from investledger.core.models import AuditEntry
from investledger.supervision.models import EvidenceFile, Milestone

EVIDENCE_MAX_BYTES = settings.INVESTLEDGER_EVIDENCE_MAX_BYTES
EVIDENCE_TYPES = {  # content signature → (MIME type, file name endings that may carry it)
    b"%PDF-": ("application/pdf", (".pdf",)),
    b"\x89PNG\r\n\x1a\n": ("image/png", (".png",)),
    b"\xff\xd8\xff": ("image/jpeg", (".jpg", ".jpeg")),
}


# --- Evidence ------------------------------------------------------------------------------------


def evidence_check(upload) -> str:
    """The MIME type of an uploaded evidence file, judged by its content; ValidationError if refused."""
    name = upload.name or "file"
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s MB; evidence files may be at most %(max)s MB.")
            % {
                "name": name,
                "size": f"{upload.size / 1024 / 1024:.1f}",
                "max": f"{EVIDENCE_MAX_BYTES / 1024 / 1024:g}",
            },
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    lower = name.lower()
    for signature, (mime, endings) in EVIDENCE_TYPES.items():
        if head.startswith(signature):
            if not lower.endswith(endings):
                raise ValidationError(
                    _("“%(name)s” contains a %(kind)s but its name says otherwise; rename it and upload again.")
                    % {"name": name, "kind": mime.split("/")[1].upper()},
                    code="name_mismatch",
                )
            return mime
    raise ValidationError(
        _(
            "“%(name)s” is not a PDF, PNG or JPEG file (its content does not match its name). "
            "Upload a scanned document or a photo."
        )
        % {"name": name},
        code="bad_type",
    )


def store_evidence(milestone: Milestone, uploads, by) -> list[EvidenceFile]:
    """Save checked uploads to storage and their rows; remove the files again if the rows fail."""
    stored = []
    try:
        for upload in uploads:
            mime = evidence_check(upload)
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            evidence = EvidenceFile(
                milestone=milestone,
                original_name=(upload.name or "file")[:200],
                content_type=mime,
                size=upload.size,
                sha256=digest.hexdigest(),
                uploaded_by=by if getattr(by, "pk", None) else None,
            )
            evidence.file.save(evidence.original_name, upload, save=False)
            stored.append(evidence)
            evidence.save()
            # The audit snapshot cannot serialise a stored file: record its storage name instead.
            audit.record(
                evidence, AuditEntry.Kind.CREATE, after={**audit.snapshot(evidence), "file": evidence.file.name}
            )
    except Exception:
        for evidence in stored:
            if evidence.file.name:
                evidence.file.storage.delete(evidence.file.name)
        raise
    return stored
