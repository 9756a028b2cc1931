# The project references' counters move to core.ReferenceSequence (series "P"), the one generator of
# reference numbers; the counters are copied so that a deleted project's number is never handed out again.

from django.db import migrations


def copy_counters(apps, schema_editor):
    old = apps.get_model("projects", "ReferenceSequence")
    new = apps.get_model("core", "ReferenceSequence")
    new.objects.bulk_create([new(series="P", year=row.year, last=row.last) for row in old.objects.all()])


def copy_back(apps, schema_editor):
    old = apps.get_model("projects", "ReferenceSequence")
    new = apps.get_model("core", "ReferenceSequence")
    old.objects.bulk_create([old(year=row.year, last=row.last) for row in new.objects.filter(series="P")])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_reference_sequence"),
        ("projects", "0007_project_light"),
    ]

    operations = [
        migrations.RunPython(copy_counters, copy_back),
        migrations.DeleteModel(name="ReferenceSequence"),
    ]
