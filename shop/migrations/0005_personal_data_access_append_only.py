"""Make the personal-data access log append-only in PostgreSQL (안전성 확보조치 기준 제8조).

The records must be protected against tampering: no row may change or go.
"""

from django.db import migrations

from shop.migration_ops import append_only


class Migration(migrations.Migration):
    dependencies = [("shop", "0004_personal_data_access")]

    operations = [
        append_only("shop_personaldataaccess", "the personal data access log is append-only")
    ]
