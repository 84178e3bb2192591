"""Trigram (pg_trgm) GIN indexes for Korean substring search on PostgreSQL.

Django's ``icontains`` becomes ``UPPER(col::text) LIKE UPPER('%…%')`` on PostgreSQL, so
the indexes are on that exact expression; the planner then answers a substring search
from the index instead of reading every product. SQLite has neither the extension nor
GIN: there the operations do nothing and search falls back to a plain scan.

The indexes live outside the model state on purpose: a ``GinIndex`` in ``Meta`` would
make SQLite test databases fail to build.
"""

from django.db import migrations

INDEXES = {
    "catalog_product_name_trgm": "name",
    "catalog_product_brand_trgm": "brand",
    "catalog_product_summary_trgm": "summary",
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON catalog_product "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_product_sales_count_sort_indexes")]

    operations = [migrations.RunPython(create_trigram_indexes, drop_trigram_indexes)]
