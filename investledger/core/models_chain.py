"""The tail of the audit hash chain, locked by every writer so entries chain in commit order."""

from django.db import models


class AuditChainHead(models.Model):
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
    # Entries up to this id were written before the audit key and carry a plain SHA-256; the entry
    # after them is the keyed anchor that names this boundary (audit.anchor_plain_entries). 0: none.
    plain_until = models.BigIntegerField(default=0)

    class Meta:
        app_label = "core"
        verbose_name = "audit chain head"

    def __str__(self) -> str:
        return f"audit chain at #{self.last_id}"
