"""``manage.py send_marketing marketing.newsletter``: send a campaign to members who opted in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from notifications import services
from shop.audit import Actor, acting_as


class Command(BaseCommand):
    help = "Send a marketing.* notification template to every member who agreed to marketing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("template", help="a template code starting with marketing.")
        parser.add_argument("--dry-run", action="store_true", help="only count the recipients")

    def handle(self, *args: Any, template: str, dry_run: bool, **options: Any) -> None:
        if dry_run:
            count = get_user_model().objects.filter(marketing_opt_in=True, is_active=True).count()
            self.stdout.write(f"{template}: would go to {count} members")
            return
        try:
            with acting_as(Actor.system("notifications.send_marketing")):
                sent = services.send_marketing(template=template)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{template}: queued for {sent} members")
