"""``manage.py personal_data_access_report [--month YYYY-MM]``: the monthly access review.

개인정보의 안전성 확보조치 기준 제8조 asks the operator to check the access records at
least once a month. This prints, per staff or vendor account, the pages of customers'
data it viewed, the downloads and their reasons, the rows read and the IPs used, busiest
first; accounts that read more than ``shop.privacy.BULK_READ_ROWS`` rows are flagged.
The default month is the last one.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from shop.privacy import monthly_report


def last_month() -> str:
    first_of_this_month = timezone.localdate().replace(day=1)
    previous = first_of_this_month.replace(
        year=first_of_this_month.year - (first_of_this_month.month == 1),
        month=(first_of_this_month.month - 2) % 12 + 1,
    )
    return previous.strftime("%Y-%m")


class Command(BaseCommand):
    help = "Print the month's personal-data access review, per account."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: last month)")

    def handle(self, *args: Any, **options: Any) -> None:
        month = options["month"] or last_month()
        try:
            report = monthly_report(month)
        except ValueError as bad:
            raise CommandError(f"--month takes YYYY-MM, not {month!r}") from bad
        self.stdout.write(f"Personal data access, {month}: {len(report)} accounts")
        for row in report:
            flag = "  FLAGGED: bulk read" if row["flagged"] else ""
            self.stdout.write(
                f"{row['account']} (id {row['account_id']}, vendor {row['vendor_id'] or '-'}): "
                f"{row['views']} views, {row['exports']} exports, {row['rows']} rows, "
                f"IPs {', '.join(row['ips'])}{flag}"
            )
            for reason in row["reasons"]:
                self.stdout.write(f"    export reason: {reason}")
