"""The defaults the bureau starts from: a standard milestone template and rule set version 1."""

from django.db import migrations

OFFSETS = [
    ("registered", 3),
    ("land_secured", 6),
    ("started", 9),
    ("completed", 24),
    ("in_production", 27),
    ("full_output", 36),
]

PARAMETERS = {
    "red_overdue_months": 3,
    "yellow_progress_gap": 10,
    "red_progress_gap": 30,
    "yellow_late_periods": 1,
    "red_late_periods": 2,
    "report_period_months": 1,
    "report_grace_days": 10,
    "funds_tolerance_percent": 5,
    "inspection_sample_percent": 20,
}


def seed(apps, schema_editor):
    Template = apps.get_model("supervision", "MilestoneTemplate")
    Step = apps.get_model("supervision", "MilestoneTemplateStep")
    RuleSet = apps.get_model("supervision", "RuleSet")
    if not Template.objects.exists():
        template = Template.objects.create(name="Standard plan / 标准节点计划", agreement_type="", sector=None)
        for kind, months in OFFSETS:
            Step.objects.create(template=template, kind=kind, offset_months=months)
    if not RuleSet.objects.exists():
        RuleSet.objects.create(version=1, parameters=PARAMETERS, note="Default rules / 默认规则")


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
