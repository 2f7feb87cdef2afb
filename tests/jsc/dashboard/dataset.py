"""The data set the dashboard tests read, built straight in the database.

Today is 10 March 2026 in Jember. Tegalgede (Sumbersari) has 500 people and the crude
birth rate is 16 per 1,000, so 9 pregnancies and 8 deliveries are expected a year;
Kranjingan (Sumbersari) has no population entered. Month by month in 2026, in Tegalgede:

| indicator | Jan | Feb | Mar | so, in March |
|---|---|---|---|---|
| K1 akses | C | D | E, F | 4 = 44.4% over 23.8%, rising: baik |
| K1 murni | C | D | - | 2 = 22.2% over 21.3%, falling: kurang |
| K4 | A | - | B | 2 = 22.2% under 23.8%, rising: cukup |
| K6 | - | A | - | 1 = 11.1% under 22.5%, falling: jelek |

G (Kranjingan) has its K1 in March. H is at Puskesmas Patrang with an unmatched village.
J gave birth on 28 Dec 2025 and died on 5 Jan 2026: a 2026 death, a 2025 birth.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from jsc.dashboard.models import TargetYear, VillagePopulation
from jsc.people.models import Village
from notifications.models import Alert
from pregnancies.models import Mother, Outcome, Person, Pregnancy, Visit

TODAY = date(2026, 3, 10)
SCORE = {"low": 2, "high": 6, "very_high": 14}
_serial = itertools.count(1)


def village(code: str) -> Village:
    return Village.objects.get(code=code)


TEGALGEDE = "35.09.21.1005"
KRANJINGAN = "35.09.21.1003"


def pregnancy(
    *,
    facility,
    by,
    edd: date,
    lmp: date | None = None,
    band: str = "low",
    village_code: str | None = TEGALGEDE,
    village_text: str = "",
    status: str = "active",
    doctor=None,
) -> Pregnancy:
    n = next(_serial)
    place = village(village_code) if village_code else None
    person = Person.objects.create(nik=f"350921570895{n:04d}")
    mother = Mother.objects.create(
        person=person,
        facility=facility,
        full_name=f"Ibu Data {n}",
        date_of_birth=date(1995, 8, 17),
        phone=f"+62812000{n:05d}",
        village=place.name if place else village_text,
        village_place=place,
    )
    return Pregnancy.objects.create(
        mother=mother,
        person=person,
        facility=facility,
        doctor=doctor,
        registered_by=by,
        # Without an LMP, an ultrasound EDD: the gestational age counts from EDD - 280.
        lmp=lmp or edd - timedelta(days=280),
        edd=edd,
        edd_source="lmp" if lmp else "ultrasound",
        gravida=2,
        para=1,
        abortus=0,
        kspr_score=SCORE[band],
        risk_band=band,
        status=status,
        create_digest="test",
    )


def visits(p: Pregnancy, *dates: date, by, doctor=None, doctor_on: tuple = ()) -> None:
    for d in dates:
        Visit.objects.create(pregnancy=p, date=d, recorded_by=doctor if d in doctor_on else by)


def outcome(p: Pregnancy, *, on: date, by, babies: int = 1, died_on: date | None = None):
    Outcome.objects.create(
        pregnancy=p,
        kind="live_birth",
        date=on,
        babies_born_alive=babies,
        mother_died=died_on is not None,
        mother_death_date=died_on,
        recorded_by=by,
    )


def alert(p: Pregnancy, milestone: str, to, *, sent_h=None, ack_h=None, **extra) -> Alert:
    now = timezone.now()
    return Alert.objects.create(
        pregnancy=p,
        milestone=milestone,
        recipient=to,
        edd=p.edd,
        risk_band=p.risk_band,
        status=extra.pop("status", "sent"),
        sent_at=None if sent_h is None else now + timedelta(hours=sent_h),
        acknowledged_at=None if ack_h is None else now + timedelta(hours=ack_h),
        **extra,
    )


@dataclass
class DataSet:
    a: Pregnancy
    b: Pregnancy
    e: Pregnancy
    f: Pregnancy
    h: Pregnancy
    i: Pregnancy


def build(*, ana, citra, bayu, dodi, dewi, sumbersari, patrang) -> DataSet:
    d = date
    target = TargetYear.objects.create(year=2026, crude_birth_rate_per_1000=16)
    VillagePopulation.objects.create(target_year=target, village=village(TEGALGEDE), population=500)

    # A: K4 on 10 Jan (2nd trimester-3 visit), K6 on 5 Feb (3rd, doctor seen in T1 and T3).
    a = pregnancy(facility=sumbersari, by=ana, edd=d(2026, 2, 25), status="delivered")
    visits(
        a,
        d(2025, 7, 1),
        d(2025, 9, 1),
        d(2025, 10, 15),
        d(2025, 12, 1),
        d(2026, 1, 10),
        d(2026, 2, 5),
        by=ana,
        doctor=citra,
        doctor_on=(d(2025, 7, 1), d(2026, 1, 10)),
    )
    outcome(a, on=d(2026, 2, 27), by=ana)
    # B: K4 on 2 March.
    b = pregnancy(facility=sumbersari, by=ana, edd=d(2026, 4, 15))
    visits(b, d(2025, 9, 1), d(2025, 11, 1), d(2026, 1, 20), d(2026, 3, 2), by=ana)
    # C, D: first contacts in trimester 1 (K1 murni); E (T2) and F (T3): K1 akses only.
    c = pregnancy(facility=sumbersari, by=ana, edd=d(2026, 8, 10))
    visits(c, d(2026, 1, 15), by=ana)
    dd = pregnancy(facility=sumbersari, by=ana, edd=d(2026, 9, 1))
    visits(dd, d(2026, 2, 10), by=ana)
    e = pregnancy(facility=sumbersari, by=ana, edd=d(2026, 7, 1), band="very_high")
    visits(e, d(2026, 3, 3), by=ana)
    f = pregnancy(facility=sumbersari, by=ana, edd=d(2026, 5, 1), band="high")
    visits(f, d(2026, 3, 5), by=ana)
    # G: Kranjingan, no population entered.
    g = pregnancy(facility=sumbersari, by=ana, edd=d(2026, 9, 20), village_code=KRANJINGAN)
    visits(g, d(2026, 3, 4), by=ana)
    # H: Patrang, high risk, due in 10 days, village typed before places were loaded.
    h = pregnancy(
        facility=patrang,
        by=bayu,
        edd=d(2026, 3, 20),
        band="high",
        village_code=None,
        village_text="Kampung Lama",
        doctor=dodi,
    )
    # I: very high risk, post-term (EDD 18 days ago), referred to Patrang.
    i = pregnancy(
        facility=sumbersari,
        by=ana,
        edd=d(2026, 2, 20),
        band="very_high",
        village_code=KRANJINGAN,
    )
    # J: born 28 Dec 2025, the mother died 5 Jan 2026. K: twins in January.
    j = pregnancy(facility=sumbersari, by=ana, edd=d(2025, 12, 30), status="delivered")
    outcome(j, on=d(2025, 12, 28), by=ana, died_on=d(2026, 1, 5))
    k = pregnancy(
        facility=patrang, by=bayu, edd=d(2026, 1, 12), status="delivered", village_code=None
    )
    outcome(k, on=d(2026, 1, 10), by=bayu, babies=2)

    # Alerts: Dr Citra answers in 2 h and 1 h, misses one (escalated); Dr Dodi answers
    # the referred pregnancy's alert in 4 h, no device took it (response from the alert).
    alert(e, "edd_minus_28", citra, sent_h=0, ack_h=2)
    missed = alert(i, "post_term_7", citra, sent_h=0, escalated_at=timezone.now())
    alert(f, "danger_sign", citra, sent_h=0, ack_h=1)
    alert(i, "edd_minus_14", dodi, status="undelivered", ack_h=4)
    alert(i, "post_term_7", dewi, escalated_from=missed)
    alert(b, "edd_minus_28", citra, status="cancelled")
    return DataSet(a=a, b=b, e=e, f=f, h=h, i=i)
