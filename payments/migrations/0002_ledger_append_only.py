"""Make the payment ledger append-only in PostgreSQL: its rows are never changed or deleted.

As for the audit log (shop 0002), TRUNCATE (test database resets) is unaffected and
SQLite, used only for the quick local loop, gets no trigger.
"""

from django.db import migrations

from shop.migration_ops import append_only


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [
        append_only(
            "payments_paymentevent",
            "the payment ledger is append-only: rows cannot be changed or deleted",
        )
    ]
