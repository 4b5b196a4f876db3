"""On PostgreSQL, the workflow log is append-only: UPDATE and DELETE of a DecisionEvent are refused.

Row triggers do not fire on TRUNCATE (test flushes). Other databases rely on the ORM: events are
only ever created by the services, and the PROTECT foreign key keeps a decision's log with it.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION decisions_refuse_event_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '决定流转记录不能修改或删除（记录 %）', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS decisions_decisionevent_append_only ON decisions_decisionevent;
CREATE TRIGGER decisions_decisionevent_append_only
    BEFORE UPDATE OR DELETE ON decisions_decisionevent
    FOR EACH ROW EXECUTE FUNCTION decisions_refuse_event_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS decisions_decisionevent_append_only ON decisions_decisionevent;
DROP FUNCTION IF EXISTS decisions_refuse_event_change();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0002_issued_decision_trigger")]

    operations = [migrations.RunPython(forward, backward)]
