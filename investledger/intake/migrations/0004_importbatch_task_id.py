from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0003_import_chunks"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="task_id",
            field=models.CharField(
                blank=True,
                help_text="The queued task checking or writing the batch, which the sweep of stuck imports looks up.",
                max_length=64,
                verbose_name="background task",
            ),
        ),
    ]
