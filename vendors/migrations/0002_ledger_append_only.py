"""Make the vendors' ledger append-only in PostgreSQL: an entry is never rewritten nor lost.

What the shop owes each vendor is the sum of these entries, so a correction is a new
(adjustment) entry. Only ``settlement_id`` may change: an entry joins its period's
statement. TRUNCATE (test database resets) is not a row operation and is unaffected;
SQLite, used only for the quick local loop, gets no trigger because its flush deletes
rows one by one.
"""

from django.db import migrations

from shop.migration_ops import postgresql_only

RECORDED = "vendor_id, kind, amount, source_uuid, order_id, description, occurred_at, created_at"
OLD = ", ".join(f"OLD.{column.strip()}" for column in RECORDED.split(","))
NEW = ", ".join(f"NEW.{column.strip()}" for column in RECORDED.split(","))

CREATE = f"""
CREATE OR REPLACE FUNCTION vendors_settlemententry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the vendors ledger is append-only: entries cannot be deleted';
    END IF;
    IF ROW({NEW}) IS DISTINCT FROM ROW({OLD}) THEN
        RAISE EXCEPTION 'the vendors ledger is append-only: book an adjustment instead';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER vendors_settlemententry_append_only
    BEFORE UPDATE OR DELETE ON vendors_settlemententry
    FOR EACH ROW EXECUTE FUNCTION vendors_settlemententry_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS vendors_settlemententry_append_only ON vendors_settlemententry;
DROP FUNCTION IF EXISTS vendors_settlemententry_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("vendors", "0001_initial")]

    operations = [postgresql_only(CREATE, DROP)]
