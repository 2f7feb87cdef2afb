"""Load a demo regency: Jember's districts, a puskesmas in each, demo staff of every role.

Idempotent: every row is found by its natural key first, so a second run changes
nothing (passwords included). Later parts of the service add their own demo data
through ``DEMO_EXTENSIONS``.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack, contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from jsc.people.demo import DEMO_PASSWORD, seed_people

# Dotted paths of functions ``seed(stdout) -> None`` run after the people are in.
DEMO_EXTENSIONS: list[str] = [
    "pregnancies.demo.seed",
    "notifications.demo.seed",
    "deaths.demo.seed",
    "jsc.dashboard.demo.seed",
    "satusehat.demo.seed",
    # Last: what the alerts' state is once the dashboard's demo has answered some.
    "notifications.demo.summary",
]
# Dotted paths of context managers the seed runs inside: the made-up mothers are never
# owed to SATUSEHAT, whatever SATUSEHAT_ENV says (docs/satusehat.md, "Off by default").
DEMO_CONTEXTS: list[str] = ["satusehat.services.outbox_muted"]
# The services log a line per pregnancy, visit and outcome: useful in production,
# some 1,300 lines of noise before `make run`'s logins. Seeding says it in a summary.
QUIET_LOGGERS = ("pregnancies", "notifications", "jsc.dashboard", "deaths")


@contextmanager
def quiet(names=QUIET_LOGGERS):
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class Command(BaseCommand):
    help = "Load Jember demo data (districts, facilities, staff). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even when JSC_ENV=production (demo logins have a known password).",
        )

    def handle(self, *args, allow_production: bool = False, **options):
        if settings.JSC_ENV == "production" and not allow_production:
            raise CommandError(
                "seed_demo creates logins with a published password; refusing in production "
                "(JSC_ENV=production). Pass --allow-production for a demo server."
            )
        with ExitStack() as stack:
            stack.enter_context(quiet())
            for path in DEMO_CONTEXTS:
                stack.enter_context(import_string(path)())
            stack.enter_context(transaction.atomic())
            summary = seed_people()
            for path in DEMO_EXTENSIONS:
                import_string(path)(self.stdout)
        self.stdout.write(
            f"Demo regency: {summary.districts} districts, {summary.facilities} facilities, "
            f"{summary.users} staff."
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, what in summary.logins:
            self.stdout.write(f"  {username:<22} {what}")
