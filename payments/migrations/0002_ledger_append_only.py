"""Make the payment ledger append-only in PostgreSQL: its rows are never changed or deleted.

As for the audit log (shop 0002), TRUNCATE (test database resets) is unaffected and
SQLite, used only for the quick local loop, gets no trigger.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION payments_paymentevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the payment ledger is append-only: rows cannot be changed or deleted';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER payments_paymentevent_append_only
    BEFORE UPDATE OR DELETE ON payments_paymentevent
    FOR EACH ROW EXECUTE FUNCTION payments_paymentevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS payments_paymentevent_append_only ON payments_paymentevent;
DROP FUNCTION IF EXISTS payments_paymentevent_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
