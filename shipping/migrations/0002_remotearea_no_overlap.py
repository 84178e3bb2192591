"""Refuse overlapping remote-area postcode ranges in PostgreSQL itself.

An exclusion constraint over the integer range of each row's postcodes: two rows whose
ranges share a postcode cannot both exist, whatever wrote them (the services also check
under a table lock, which is the only guard on SQLite).
"""

from django.db import migrations

CONSTRAINT = "shipping_remotearea_no_overlap"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE shipping_remotearea ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(int4range(postcode_from::integer, postcode_to::integer, '[]') WITH &&)"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE shipping_remotearea DROP CONSTRAINT {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("shipping", "0001_initial")]

    operations = [migrations.RunPython(add_constraint, drop_constraint)]
