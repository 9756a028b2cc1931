"""The categories the bureau starts from: the six of Chengdu's city opportunity lists and the usual others.

The bureau renames, reorders and adds to them in the administration.
"""

from django.db import migrations

CATEGORIES = [
    ("urban-functions", "城市功能", "Urban functions"),
    ("ecology-environment", "生态环境", "Ecology and environment"),
    ("industrial-carriers", "产业载体", "Industrial carriers"),
    ("franchising", "特许经营", "Franchising"),
    ("housing", "住房", "Housing"),
    ("infrastructure", "基础设施", "Infrastructure"),
    ("land", "土地", "Land"),
    ("buildings", "楼宇", "Buildings"),
    ("equity", "股权", "Equity"),
    ("scenarios", "应用场景", "Application scenarios"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("opportunities", "OpportunityCategory")
    for position, (code, name, name_en) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "position": position})


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
