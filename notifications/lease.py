"""The claim lease and the heartbeat that keeps a live claim from expiring.

A claimed delivery is ``sending`` with ``claimed_at`` set. If its worker dies, nobody
settles it; once ``claimed_at`` is older than ``CLAIM_LEASE`` the next dispatch run
takes it back and sends it again (docs/alerts-reliability.md). The lease is short so
that a dead worker's pushes are late by about a minute, not ten; a live worker whose
batch is slow (FCM answering slowly, firebase-admin retrying a 503) renews its claim
every ``HEARTBEAT`` so it is never taken over while it is still sending.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

from notifications.models import Delivery, DeliveryStatus

logger = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(seconds=60)
# Several beats per lease: one missed beat (a slow database) does not lose the claim.
HEARTBEAT = timedelta(seconds=15)


class Claim:
    """The ids a run holds and the ``claimed_at`` that proves it still holds them."""

    def __init__(self, ids, claimed_at: datetime) -> None:
        self.ids = list(ids)
        self.claimed_at = claimed_at
        self._lock = threading.Lock()

    def renew(self, *, now: datetime) -> int:
        with self._lock:
            renewed = Delivery.objects.filter(
                id__in=self.ids, status=DeliveryStatus.SENDING, claimed_at=self.claimed_at
            ).update(claimed_at=now)
            if renewed:
                self.claimed_at = now
            return renewed


class HeldClaims:
    """Every claim a dispatch run holds at the moment, renewed together by one heartbeat.

    A run with several lanes (notifications/dispatch.py) holds a claim per lane; one
    heartbeat thread per run renews them all, instead of a thread started per batch.
    ``release`` waits for a renewal under way: once it returns, the claim's
    ``claimed_at`` no longer moves, and the settle can name it.
    """

    def __init__(self) -> None:
        self._claims: set[Claim] = set()
        self._lock = threading.Lock()

    def hold(self, claim: Claim) -> Claim:
        with self._lock:
            self._claims.add(claim)
        return claim

    def release(self, claim: Claim) -> None:
        with self._lock:
            self._claims.discard(claim)

    def renew(self, *, now: datetime) -> int:
        with self._lock:
            return sum(claim.renew(now=now) for claim in self._claims)


@contextmanager
def heartbeat(claim: Claim | HeldClaims, every: timedelta = HEARTBEAT) -> Iterator[Claim]:
    """Renew `claim` (or every claim held) every `every` while the body runs (in a thread
    of its own, with a database connection of its own)."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every.total_seconds()):
                try:
                    claim.renew(now=timezone.now())
                except Exception:  # a dropped connection: try again next beat
                    logger.warning("claim heartbeat failed", exc_info=True)
                    connection.close()
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name="claim-heartbeat", daemon=True)
    thread.start()
    try:
        yield claim
    finally:
        stop.set()
        thread.join()
