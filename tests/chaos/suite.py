"""The fault-injection run: one fault at a time against the whole service, then the
books are checked (docs/alerts-reliability.md).

Each phase adds pregnancies due in two weeks (the next scan owes an alert to every
doctor of their facility, two phones each) while midwives keep registering, injects its
fault while the dispatch is under way, heals it, and waits until every owed (alert,
device) push has reached the fake FCM. At the end every phase is checked:

- every owed push arrived (lost = 0) and, per (alert, device), how many times;
- every alert is in its doctor's inbox (the API's count is the database's);
- every registration that answered 200/201 exists, once; none exists half-written;
- every urgent visit (a danger sign, recorded by the midwives beside their registrations)
  that answered 200/201 is stored with its danger_sign alerts, whose pushes are owed
  like any other.

More load can be added: every factory in ``Suite.extra_loads`` is started beside the
registrations in each phase (called with the suite; it returns something with
``stop()``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.chaos.cluster import REPO, Cluster
from tests.chaos.load import RegistrationLoad, UrgentVisitLoad
from tests.fakes.fake_fcm import FakeFCM, make_service_account


@dataclass
class Scale:
    pregnancies: int  # owed per phase (two doctors x two phones each: 4 pushes)
    register_every: float  # seconds between one midwife's registrations
    redis_outage: float
    fcm_window: float
    recover_timeout: float = 240


SHORT = Scale(pregnancies=40, register_every=1.0, redis_outage=8, fcm_window=8)
LONG = Scale(pregnancies=220, register_every=0.7, redis_outage=60, fcm_window=20)


@dataclass
class Row:
    fault: str
    registrations_sent: int = 0
    registrations_stored: int = 0
    registrations_duplicated: int = 0
    half_written: int = 0
    alerts_owed: int = 0
    pushes_owed: int = 0
    pushed: int = 0
    duplicated: int = 0
    lost: int = 0
    recover_seconds: float | None = None
    dispatch_runs_while_waiting: int | None = None
    wakeups_while_waiting: int | None = None
    requeued_while_waiting: int = 0
    waiting_seconds: float = 0.0
    inbox_ok: bool = True
    phase_seconds: float = 0.0
    visits_sent: int = 0
    visits_stored: int = 0
    visits_alerted: int = 0
    notes: list[str] = field(default_factory=list)
    owed_pairs: set = field(default_factory=set, repr=False)


class Suite:
    def __init__(self, root: Path, scale: Scale, scan_every: int = 5) -> None:
        self.root = root
        self.scale = scale
        self.scan_every = scan_every
        self.fake = FakeFCM(latency=0.02).start()
        credentials = make_service_account(root, self.fake.token_url)
        self.cluster = Cluster(
            root, fcm_url=self.fake.url, credentials=credentials, scan_every=scan_every
        )
        self.rows: list[Row] = []
        self._next_pregnancy = 0
        self._known_pairs: set = set()
        self.people: dict = {}
        self.registrations_all: list = []
        self.phase_niks_all: list[str] = []
        # More load beside the registrations (the urgent-visit hook, see the docstring).
        self.extra_loads: list[Callable[[Suite], object]] = []

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        c = self.cluster
        c.start_postgres()
        c.start_redis()
        c.manage("migrate", "--noinput", "-v", "0")
        self.people = json.loads(self._seed("setup"))
        c.start_web()
        c.start_worker()
        c.start_beat()
        self.today = self._today()

    def close(self) -> None:
        self.cluster.close()
        self.fake.stop()

    def _seed(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "tests.chaos.seed", *args],
            cwd=REPO,
            env=self.cluster.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0:
            raise RuntimeError(f"seed {args[0]} failed: {done.stderr[-2000:]}")
        return done.stdout.strip().splitlines()[-1]

    def _today(self):
        from datetime import date

        (value,) = self.cluster.sql("SELECT (now() AT TIME ZONE 'Asia/Jakarta')::date")[0]
        return value if isinstance(value, date) else date.fromisoformat(str(value))

    # -- one phase --------------------------------------------------------------------------

    def phase(self, fault: str, inject: Callable[[Suite, Row], float]) -> Row:
        """Owe, load, inject (returns the monotonic time the fault was healed), recover."""
        row = Row(fault)
        load = RegistrationLoad(
            self.cluster.base_url,
            self.people["midwives"],
            self.people["password"],
            today=self.today,
            every=self.scale.register_every,
        ).start()
        self.load = load
        visits = UrgentVisitLoad(load, every=self.scale.register_every * 3).start()
        extra = [start(self) for start in self.extra_loads]
        started = time.monotonic()
        self.sent_before = len(self.fake.delivered)
        self.phase_niks: list[str] = []
        self.owe()
        healed = inject(self, row)
        load.stop()
        visits.stop()
        for other in extra:
            other.stop()
        row.recover_seconds = self._wait_until_all_pushed(row, healed)
        self._book_registrations(row, load)
        self._book_visits(row, visits)
        self.registrations_all += load.sent
        self.phase_niks_all += self.phase_niks
        self._book_inboxes(row)
        row.phase_seconds = time.monotonic() - started
        self.rows.append(row)
        return row

    def owe(self) -> None:
        """Pregnancies due in two weeks: the next scan owes their doctors an alert."""
        first = self._next_pregnancy
        self._seed("owe", str(self.scale.pregnancies), str(first))
        self._next_pregnancy += self.scale.pregnancies
        # The seed's NIK-shaped numbers (tests/chaos/seed.py).
        self.phase_niks += [f"35099957089{n:05d}" for n in range(first, self._next_pregnancy)]

    def _seeded_alerts_missing(self) -> int:
        """Alerts the scan still owes for this phase's pregnancies (one per doctor)."""
        doctors_each = len(self.people["doctors"]) // len(self.people["midwives"])
        (have,) = self.cluster.sql(
            "SELECT count(*) FROM notifications_alert a JOIN pregnancies_pregnancy p"
            " ON p.id = a.pregnancy_id JOIN pregnancies_person pe ON pe.id = p.person_id"
            " WHERE pe.nik = ANY(%s)",
            (self.phase_niks,),
        )[0]
        return len(self.phase_niks) * doctors_each - have

    def wait_for_dispatch(self, timeout: float = 90) -> None:
        """Until a batch is claimed and some pushes of this phase went out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            sending = self.cluster.sql(
                "SELECT count(*) FROM notifications_delivery WHERE status = 'sending'"
            )[0][0]
            if sending and len(self.fake.delivered) > self.sent_before + 8:
                return
            time.sleep(0.02)
        raise AssertionError("the dispatch never started")

    def _owed(self) -> set[tuple[str, str]]:
        rows = self.cluster.sql(
            "SELECT d.token, a.id::text FROM notifications_alert a "
            "JOIN notifications_device d ON d.user_id = a.recipient_id AND d.active "
            "WHERE a.status <> 'cancelled'"
        )
        return {(token, alert_id) for token, alert_id in rows}

    def _open(self) -> int:
        return self.cluster.sql(
            "SELECT (SELECT count(*) FROM notifications_delivery "
            "        WHERE status IN ('queued', 'retry', 'sending'))"
            " + (SELECT count(*) FROM notifications_alert WHERE status = 'pending')"
        )[0][0]

    def _wait_until_all_pushed(self, row: Row, healed: float) -> float | None:
        """Seconds from the heal until every owed push had arrived; then one more scan,
        so registrations made at the end owe what they owe."""
        recovered = None
        deadline = time.monotonic() + self.scale.recover_timeout
        quiet_since = None
        while time.monotonic() < deadline:
            owed = self._owed()
            missing = owed - set(self.fake.delivered)
            if not missing and self._open() == 0 and self._seeded_alerts_missing() == 0:
                if recovered is None:
                    recovered = time.monotonic() - healed
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since > self.scan_every + 3:
                    break
            else:
                quiet_since = None
            time.sleep(0.5)
        owed = self._owed()
        row.owed_pairs = owed - self._known_pairs
        self._known_pairs |= owed
        row.alerts_owed = len({alert for _, alert in row.owed_pairs})
        row.pushes_owed = len(row.owed_pairs)
        return recovered

    def _book_visits(self, row: Row, visits: UrgentVisitLoad) -> None:
        """Every urgent visit answered 2xx is stored once with its danger_sign alerts."""
        answered = [v.id for v in visits.sent if v.status in (200, 201)]
        row.visits_sent = len(visits.sent)
        row.visits_stored, row.visits_alerted = self.cluster.sql(
            "SELECT count(DISTINCT v.id), count(DISTINCT a.visit_id)"
            " FROM pregnancies_visit v LEFT JOIN notifications_alert a ON a.visit_id = v.id"
            " WHERE v.id::text = ANY(%s)",
            (answered,),
        )[0]
        if row.visits_stored != len(answered):
            row.notes.append(
                f"{len(answered) - row.visits_stored} visits answered 2xx but not stored"
            )
        if row.visits_alerted != row.visits_stored:
            row.notes.append(f"{row.visits_stored - row.visits_alerted} urgent visits not alerted")
        if others := [v for v in visits.sent if v.status not in (200, 201)]:
            row.notes.append(f"visit answers other than 2xx: {Counter(v.status for v in others)}")

    def _book_registrations(self, row: Row, load: RegistrationLoad) -> None:
        sent = load.sent
        row.registrations_sent = len(sent)
        answered = [r for r in sent if r.status in (200, 201)]
        ids = [r.id for r in sent]
        niks = [r.nik for r in sent]
        stored = {
            str(i)
            for (i,) in self.cluster.sql(
                "SELECT id FROM pregnancies_pregnancy WHERE id::text = ANY(%s)", (ids,)
            )
        }
        row.registrations_stored = len(stored)
        missing = [r.id for r in answered if r.id not in stored]
        unanswered_stored = [r.id for r in sent if r.status is None and r.id in stored]
        if missing:
            row.notes.append(f"{len(missing)} answered 2xx but not stored")
        if unanswered_stored:
            row.notes.append(f"{len(unanswered_stored)} never answered (in flight at the end)")
        others = [r for r in sent if r.status not in (200, 201, None)]
        if others:
            row.notes.append(f"answers other than 2xx: {Counter(r.status for r in others)}")
        row.registrations_duplicated = self.cluster.sql(
            "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM pregnancies_pregnancy"
            " pr JOIN pregnancies_person p ON p.id = pr.person_id WHERE p.nik = ANY(%s)"
            " GROUP BY p.nik) AS c",
            (niks,),
        )[0][0]
        # Half-written: a person or a mother record of the load without its pregnancy.
        row.half_written = self.cluster.sql(
            "SELECT (SELECT count(*) FROM pregnancies_person p WHERE p.nik = ANY(%s) AND NOT"
            "  EXISTS (SELECT 1 FROM pregnancies_pregnancy pr WHERE pr.person_id = p.id))"
            " + (SELECT count(*) FROM pregnancies_mother m JOIN pregnancies_person p"
            "  ON p.id = m.person_id WHERE p.nik = ANY(%s) AND NOT EXISTS"
            "  (SELECT 1 FROM pregnancies_pregnancy pr WHERE pr.mother_id = m.id))",
            (niks, niks),
        )[0][0]
        self._answered_missing = missing

    def _book_inboxes(self, row: Row) -> None:
        for username in self.people["doctors"]:
            token = requests.post(
                f"{self.cluster.base_url}/api/v1/auth/token/",
                json={"username": username, "password": self.people["password"]},
                timeout=30,
            ).json()["access"]
            inbox = requests.get(
                f"{self.cluster.base_url}/api/v1/alerts/",
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            ).json()
            (expected,) = self.cluster.sql(
                "SELECT count(*) FROM notifications_alert a JOIN people_user u"
                " ON u.id = a.recipient_id WHERE u.username = %s",
                (username,),
            )[0]
            if inbox.get("count") != expected:
                row.inbox_ok = False
                row.notes.append(f"{username}: inbox {inbox.get('count')}, alerts {expected}")

    # -- the books --------------------------------------------------------------------------

    def leaks(self) -> list[str]:
        """Personal data in any service log (web, worker, beat), faults and tracebacks
        included: a NIK, a mother's name or a phone number."""
        niks = set(self.phase_niks_all) | {r.nik for r in self.registrations_all}
        found = []
        for log in sorted(self.cluster.logs.glob("*.log")):
            text = log.read_text(errors="replace")
            hits = set(re.findall(r"(?<!\d)\d{16}(?!\d)", text)) & niks
            if hits:
                found.append(f"{log.name}: {len(hits)} NIKs")
            found += [f"{log.name}: {w!r}" for w in ("Ibu Beban", "Ibu Uji", "+6281") if w in text]
        return found

    def close_books(self) -> None:
        """Pushes per (alert, device) over the whole run, booked to the phase that owed it."""
        arrivals = Counter(self.fake.delivered)
        for row in self.rows:
            row.pushed = sum(1 for pair in row.owed_pairs if arrivals[pair])
            row.lost = row.pushes_owed - row.pushed
            row.duplicated = sum(arrivals[pair] - 1 for pair in row.owed_pairs if arrivals[pair])

    def table(self) -> str:
        head = (
            "fault",
            "regs sent",
            "stored",
            "dup",
            "half",
            "visits",
            "alerts owed",
            "pushes owed",
            "pushed",
            "dup",
            "lost",
            "recover s",
            "inbox",
            "phase s",
        )
        lines = [head]
        for r in self.rows:
            lines.append(
                (
                    r.fault,
                    r.registrations_sent,
                    r.registrations_stored,
                    r.registrations_duplicated,
                    r.half_written,
                    f"{r.visits_stored}/{r.visits_sent}",
                    r.alerts_owed,
                    r.pushes_owed,
                    r.pushed,
                    r.duplicated,
                    r.lost,
                    "-" if r.recover_seconds is None else f"{r.recover_seconds:.0f}",
                    "ok" if r.inbox_ok else "MISSING",
                    f"{r.phase_seconds:.0f}",
                )
            )
        widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
        out = [
            "  ".join(
                str(v).rjust(w) if i else str(v).ljust(w)
                for i, (v, w) in enumerate(zip(line, widths, strict=True))
            )
            for line in lines
        ]
        out.insert(1, "  ".join("-" * w for w in widths))
        for r in self.rows:
            if r.dispatch_runs_while_waiting is not None:
                out.append(
                    f"{r.fault}: {r.dispatch_runs_while_waiting} dispatch runs while FCM "
                    f"asked to wait ({r.waiting_seconds:.0f} s): {r.wakeups_while_waiting} "
                    f"booked by the dispatcher itself, {r.requeued_while_waiting} queued again "
                    "by a run that used all its claims"
                )
            for note in r.notes:
                out.append(f"{r.fault}: {note}")
        return "\n".join(out)
