"""Make the audit log append-only in PostgreSQL: recorded columns never change, rows never go.

Only the outbox's delivery columns may be updated. TRUNCATE (test database resets) is
not a row operation and is unaffected. SQLite, used only for the quick local loop,
gets no trigger because its flush deletes rows one by one.
"""

from django.db import migrations

from shop.migration_ops import postgresql_only

RECORDED = (
    "uuid, event_type, payload, actor_kind, actor_id, actor_label, actor_vendor_id, "
    "ip_address, request_id, subject_type, subject_id, subject_label, created_at"
)
OLD = ", ".join(f"OLD.{column.strip()}" for column in RECORDED.split(","))
NEW = ", ".join(f"NEW.{column.strip()}" for column in RECORDED.split(","))

CREATE = f"""
CREATE OR REPLACE FUNCTION shop_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the audit log is append-only: rows cannot be deleted';
    END IF;
    IF ROW({NEW}) IS DISTINCT FROM ROW({OLD}) THEN
        RAISE EXCEPTION 'the audit log is append-only: recorded columns cannot change';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER shop_auditevent_append_only
    BEFORE UPDATE OR DELETE ON shop_auditevent
    FOR EACH ROW EXECUTE FUNCTION shop_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS shop_auditevent_append_only ON shop_auditevent;
DROP FUNCTION IF EXISTS shop_auditevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]

    operations = [postgresql_only(CREATE, DROP)]
