"""On PostgreSQL, refuse UPDATE and DELETE of an issued decision in the database itself.

The step into ISSUED is an UPDATE of a row whose stored (OLD) status is APPROVED, so it passes;
any later change of that row, by the ORM, raw SQL or another program, raises. TRUNCATE (used by
test flushes) does not fire row triggers. On other databases the model and queryset guards apply.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION decisions_refuse_issued_change() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'ISSUED' THEN
        RAISE EXCEPTION '已签发的决定不能修改或删除（决定 %）', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS decisions_decision_issued_immutable ON decisions_decision;
CREATE TRIGGER decisions_decision_issued_immutable
    BEFORE UPDATE OR DELETE ON decisions_decision
    FOR EACH ROW EXECUTE FUNCTION decisions_refuse_issued_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS decisions_decision_issued_immutable ON decisions_decision;
DROP FUNCTION IF EXISTS decisions_refuse_issued_change();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # A plain cursor call: no parameter interpolation, so the ``%`` of RAISE stays as written.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
