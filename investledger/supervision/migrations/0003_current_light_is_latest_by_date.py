"""The current light is the latest assessment by its date, and the project keeps it in `light`.

Earlier, the last assessment written was current, even when a scan for a past day wrote it after
one for a later day. This marks the latest by (date, order written) current and copies its light
onto the project.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def latest_by_date(apps, schema_editor):
    LightAssessment = apps.get_model("supervision", "LightAssessment")
    Project = apps.get_model("projects", "Project")
    latest = LightAssessment.objects.filter(project=OuterRef("project")).order_by("-assessed_on", "-id").values("pk")[:1]
    wrong = LightAssessment.objects.filter(is_current=True).exclude(pk=Subquery(latest))
    projects = list(wrong.values_list("project_id", flat=True))
    LightAssessment.objects.filter(project_id__in=projects, is_current=True).update(is_current=False)
    newest = LightAssessment.objects.filter(project_id__in=projects).annotate(top=Subquery(latest))
    LightAssessment.objects.filter(pk__in=[row.top for row in newest if row.top == row.pk]).update(is_current=True)
    current = LightAssessment.objects.filter(project=OuterRef("pk"), is_current=True)
    Project.objects.filter(light_assessments__is_current=True).update(
        light=Coalesce(Subquery(current.values("light")[:1]), Value("")),
        light_on=Subquery(current.values("assessed_on")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0002_default_template_and_rules"),
        ("projects", "0007_project_light"),
    ]

    operations = [migrations.RunPython(latest_by_date, migrations.RunPython.noop)]
