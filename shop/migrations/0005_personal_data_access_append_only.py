"""Make the personal-data access log append-only in PostgreSQL (안전성 확보조치 기준 제8조).

The records must be protected against tampering: no row may change or go. TRUNCATE
(test database resets) is not a row operation and is unaffected.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION shop_personaldataaccess_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the personal data access log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER shop_personaldataaccess_append_only
    BEFORE UPDATE OR DELETE ON shop_personaldataaccess
    FOR EACH ROW EXECUTE FUNCTION shop_personaldataaccess_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS shop_personaldataaccess_append_only ON shop_personaldataaccess;
DROP FUNCTION IF EXISTS shop_personaldataaccess_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("shop", "0004_personal_data_access")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
