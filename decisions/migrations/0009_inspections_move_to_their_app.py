"""Inspection and Finding (and their history models) now belong to the ``inspections`` app.

State only: the tables and their rows stay where they are; ``inspections`` 0001 (which this
depends on) took the models over with the same table names, so some app always holds them.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0008_history_follows_merged_fields"),
        ("inspections", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="HistoricalFinding"),
                migrations.DeleteModel(name="HistoricalInspection"),
                migrations.DeleteModel(name="Finding"),
                migrations.DeleteModel(name="Inspection"),
            ],
        ),
    ]
