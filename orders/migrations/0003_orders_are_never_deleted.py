"""Orders, their lines and their refunds are never deleted in PostgreSQL, not even in raw SQL.

They are what the shop answers for to buyers, vendors and the tax office: an order ends
cancelled, never gone. PROTECT foreign keys already keep a paid order (its payment, its
refunds); these triggers also keep an unpaid one. TRUNCATE (test database resets) is
not a row operation and is unaffected; SQLite, used only for the quick local loop, gets
no trigger because its flush deletes rows one by one.
"""

from django.db import migrations

from shop.migration_ops import postgresql_only

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


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_discounts_and_points")]

    operations = [postgresql_only(CREATE, DROP)]
