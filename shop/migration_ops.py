"""Operations the apps' migrations share: PostgreSQL-only guards such as append-only tables.

The guards are PostgreSQL triggers. SQLite, used only for the quick local loop, gets none,
because its flush between tests deletes rows one by one. TRUNCATE (the test database
resets on PostgreSQL) is not a row operation, so the triggers leave it alone.
"""

from __future__ import annotations

from django.db import migrations


def postgresql_only(sql: str, reverse_sql: str) -> migrations.RunPython:
    """Run ``sql`` on PostgreSQL, and ``reverse_sql`` when the migration is unapplied.

    Django's RunSQL runs on every database; this skips the others.
    """

    def forward(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    def backward(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(reverse_sql)

    return migrations.RunPython(forward, backward)


def append_only(table: str, message: str) -> migrations.RunPython:
    """Refuse every UPDATE and DELETE of ``table``'s rows, with ``message``."""
    name = f"{table}_append_only"
    return postgresql_only(
        f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{message}';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {name}
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {name}();
""",
        f"""
DROP TRIGGER IF EXISTS {name} ON {table};
DROP FUNCTION IF EXISTS {name}();
""",
    )
