"""Drop the patient-only index of insights: ``insight_patient_current_idx`` (patient,
is_current) leads with the same column, and every index costs each recompute's INSERT.

Only the index goes (not Django's default drop and re-create of the foreign key, which would
re-check every stored row under an exclusive lock).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEX = "insights_insight_patient_id_5dfc5526"


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "insights_insight" ("patient_id")',
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="insight",
                    name="patient",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="insights",
                        to=settings.AUTH_USER_MODEL,
                    ),
                )
            ],
        )
    ]
