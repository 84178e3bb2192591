"""Draft the vendors' settlement statements for a period (default: the last complete one)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from vendors import services
from vendors.exceptions import VendorError
from vendors.services.settlements import previous_period


class Command(BaseCommand):
    help = "Create or refresh each vendor's settlement statement (정산서) for a period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--start", type=dt.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--end", type=dt.date.fromisoformat, help="YYYY-MM-DD, inclusive")
        parser.add_argument(
            "--period",
            choices=["weekly", "monthly"],
            default=settings.SETTLEMENT_PERIOD,
            help="Without --start/--end: settle the last complete week or month.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = options["start"], options["end"]
        if (start is None) != (end is None):
            raise CommandError("Give both --start and --end, or neither.")
        if start is None:
            start, end = previous_period(today=timezone.localdate(), kind=options["period"])
        try:
            statements = services.run_settlements(period_start=start, period_end=end)
        except VendorError as error:
            raise CommandError(error.message) from error
        for statement in statements:
            self.stdout.write(
                f"{statement.vendor_id}\t{statement.period_start}~{statement.period_end}\t"
                f"{statement.get_status_display()}\t{statement.payout}"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(statements)} statement(s) for {start}~{end}"))
