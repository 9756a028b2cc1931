"""The tail of the audit hash chain, locked by every writer so entries chain in commit order."""

from django.db import models


class AuditChainHead(models.Model):
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        app_label = "core"
        verbose_name = "audit chain head"

    def __str__(self) -> str:
        return f"audit chain at #{self.last_id}"
