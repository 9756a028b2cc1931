"""The audit trail becomes keyed: entries written from now on carry HMAC-SHA256 with the audit key.

Entries already written keep their plain SHA-256 and keep verifying under that rule up to the boundary
recorded on the chain head (`plain_until`); a keyed anchor entry naming the boundary is appended after
them, so the boundary cannot be moved without the key (core.audit.anchor_plain_entries).
"""

from django.db import migrations, models

from investledger.core.audit import anchor_plain_entries


def anchor(apps, schema_editor):
    anchor_plain_entries(
        entry_model=apps.get_model("core", "AuditEntry"),
        head_model=apps.get_model("core", "AuditChainHead"),
        content_type_model=apps.get_model("contenttypes", "ContentType"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0006_daily_run"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="plain_until",
            field=models.BigIntegerField(default=0),
        ),
        # Going back leaves the anchor entry: the trail is append-only, and the plain rule still checks it.
        migrations.RunPython(anchor, migrations.RunPython.noop),
    ]
