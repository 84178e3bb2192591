"""Orders, their lines and their refunds are never deleted in PostgreSQL, not even in raw SQL.

They are what the shop answers for to buyers, vendors and the tax office: an order ends
cancelled, never gone. PROTECT foreign keys already keep a paid order (its payment, its
refunds); these triggers also keep an unpaid one. TRUNCATE (test database resets) is
not a row operation and is unaffected; SQLite, used only for the quick local loop, gets
no trigger because its flush deletes rows one by one.
"""

from django.db import migrations

TABLES = ("orders_order", "orders_orderline", "orders_refund")

CREATE = """
CREATE OR REPLACE FUNCTION orders_never_deleted() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'orders are never deleted (' || TG_TABLE_NAME || '): cancel them instead';
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"""
CREATE TRIGGER {table}_never_deleted
    BEFORE DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION orders_never_deleted();
"""
    for table in TABLES
)

DROP = "".join(
    f"DROP TRIGGER IF EXISTS {table}_never_deleted ON {table};\n" for table in TABLES
) + ("DROP FUNCTION IF EXISTS orders_never_deleted();\n")


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_discounts_and_points")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
