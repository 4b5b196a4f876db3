"""Posting invariants in the database itself, whatever path writes.

PostgreSQL: exclusion constraints over the date range [start, COALESCE(actual_end, planned_end)].
SQLite (embedded mode): BEFORE INSERT/UPDATE triggers that abort on the same overlaps.
"""

from django.db import migrations

_RANGE = "daterange(start_date, COALESCE(actual_end_date, planned_end_date), '[]')"

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"ALTER TABLE cadres_posting ADD CONSTRAINT posting_cadre_no_overlap "
    f"EXCLUDE USING gist (cadre_id WITH =, {_RANGE} WITH &&)",
    f"ALTER TABLE cadres_posting ADD CONSTRAINT posting_one_first_secretary "
    f"EXCLUDE USING gist (village_id WITH =, {_RANGE} WITH &&) WHERE (role = 'FIRST_SECRETARY')",
]
PG_BACKWARD = [
    "ALTER TABLE cadres_posting DROP CONSTRAINT IF EXISTS posting_one_first_secretary",
    "ALTER TABLE cadres_posting DROP CONSTRAINT IF EXISTS posting_cadre_no_overlap",
]

_OVERLAP = (
    "p.start_date <= COALESCE(NEW.actual_end_date, NEW.planned_end_date) "
    "AND NEW.start_date <= COALESCE(p.actual_end_date, p.planned_end_date)"
)


def _sqlite_triggers():
    statements = []
    for event, self_clause in (("INSERT", ""), ("UPDATE", " AND p.id <> NEW.id")):
        statements.append(
            f"CREATE TRIGGER posting_cadre_no_overlap_{event.lower()} BEFORE {event} ON cadres_posting "
            f"WHEN EXISTS (SELECT 1 FROM cadres_posting p WHERE p.cadre_id = NEW.cadre_id{self_clause} "
            f"AND {_OVERLAP}) "
            "BEGIN SELECT RAISE(ABORT, 'posting_cadre_no_overlap'); END"
        )
        statements.append(
            f"CREATE TRIGGER posting_one_first_secretary_{event.lower()} BEFORE {event} ON cadres_posting "
            "WHEN NEW.role = 'FIRST_SECRETARY' AND EXISTS (SELECT 1 FROM cadres_posting p "
            f"WHERE p.village_id = NEW.village_id AND p.role = 'FIRST_SECRETARY'{self_clause} AND {_OVERLAP}) "
            "BEGIN SELECT RAISE(ABORT, 'posting_one_first_secretary'); END"
        )
    return statements


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = PG_FORWARD
    elif vendor == "sqlite":
        statements = _sqlite_triggers()
    else:
        return
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for sql in PG_BACKWARD:
            schema_editor.execute(sql)
    elif vendor == "sqlite":
        for name in ("posting_cadre_no_overlap", "posting_one_first_secretary"):
            for event in ("insert", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_{event}")


class Migration(migrations.Migration):
    dependencies = [("cadres", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
