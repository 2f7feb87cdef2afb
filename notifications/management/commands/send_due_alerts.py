"""Run what beat runs, once and synchronously: the alert scan, then the dispatch."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from notifications.dispatch import dispatch_due
from notifications.services import scan


class Command(BaseCommand):
    help = "Scan for due-date alerts owed today and push them now (what beat runs)."

    def handle(self, *args, **options):
        found = scan(today=timezone.localdate(), now=timezone.now())
        sent = dispatch_due()
        self.stdout.write(
            f"alerts owed: {found.alerts_owed}, escalated: {found.escalated}, "
            f"pushes: {sent.counts or 'none'}"
            + (f", CREDENTIAL ERROR: {sent.credential_error}" if sent.credential_error else "")
        )
        if sent.credential_error:
            raise SystemExit(1)
