"""KSPR risk score (Kartu Skor Poedji Rochjati): the factor table and scoring.

Source: docs/domain.md, "KSPR risk score", after the KSPR card (Rochjati) and its
published scoring tables. The table below is the only place factors, labels and
points are written down; bands are ranges because scores move in steps of 4.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

# age_on is re-exported here: callers computing the card's age factors need it.
from .dates import POST_TERM_DAYS, age_on


@dataclass(frozen=True)
class Factor:
    code: str
    label_id: str  # Bahasa Indonesia, as on the card
    label_en: str
    points: int
    derived: bool  # True: computed by the service, never typed by the midwife


BASE_SCORE = 2  # every pregnancy starts at 2 points (KSPR card)

# Derived thresholds (KSPR card, items I.1, I.2b, I.5, I.6, I.7 and II.18).
YOUNG_FIRST_PREGNANCY_MAX_AGE = 16  # "hamil I umur 16 tahun atau kurang"
OLD_AGE = 35  # "umur 35 tahun atau lebih"
MANY_CHILDREN_MIN_PARA = 4  # "anak 4 atau lebih"
SHORT_STATURE_MAX_CM = 145  # "tinggi badan 145 cm atau kurang"

# fmt: off
F = Factor
FACTORS: tuple[Factor, ...] = (
    F("too_young", "Terlalu muda, hamil I umur 16 tahun atau kurang",
      "First pregnancy at age 16 or younger", 4, True),
    F("late_first_pregnancy", "Terlalu lambat hamil I, kawin 4 tahun atau lebih",
      "First pregnancy after 4+ years of marriage", 4, False),
    F("old_first_pregnancy", "Terlalu tua, hamil I umur 35 tahun atau lebih",
      "First pregnancy at age 35 or older", 4, True),
    F("short_interval", "Terlalu cepat hamil lagi (kurang dari 2 tahun)",
      "Less than 2 years since last birth", 4, False),
    F("long_interval", "Terlalu lama hamil lagi (10 tahun atau lebih)",
      "10+ years since last pregnancy", 4, False),
    F("many_children", "Terlalu banyak anak, 4 atau lebih", "4 or more children", 4, True),
    F("age_35_plus", "Terlalu tua, umur 35 tahun atau lebih",
      "Mother aged 35 or older", 4, True),
    F("short_stature", "Terlalu pendek, 145 cm atau kurang",
      "Height 145 cm or less", 4, True),
    F("previous_pregnancy_loss", "Pernah gagal kehamilan",
      "Earlier pregnancy failed", 4, False),
    F("previous_assisted_delivery", "Pernah melahirkan dengan tarikan tang atau vakum",
      "Earlier delivery by forceps or vacuum", 4, False),
    F("previous_manual_placenta", "Pernah melahirkan dengan uri dirogoh",
      "Earlier manual removal of placenta", 4, False),
    F("previous_transfusion", "Pernah melahirkan dengan diberi infus atau transfusi",
      "Infusion or transfusion at an earlier delivery", 4, False),
    F("previous_caesarean", "Pernah operasi sesar", "Earlier caesarean section", 8, False),
    F("anaemia", "Penyakit pada ibu hamil: kurang darah", "Anaemia", 4, False),
    F("malaria", "Penyakit pada ibu hamil: malaria", "Malaria", 4, False),
    F("tuberculosis", "Penyakit pada ibu hamil: TBC paru", "Tuberculosis", 4, False),
    F("heart_failure", "Penyakit pada ibu hamil: payah jantung", "Heart failure", 4, False),
    F("diabetes", "Penyakit pada ibu hamil: kencing manis (diabetes)", "Diabetes", 4, False),
    F("sti", "Penyakit pada ibu hamil: penyakit menular seksual",
      "Sexually transmitted infection", 4, False),
    F("oedema_hypertension", "Bengkak pada muka atau tungkai dan tekanan darah tinggi",
      "Swelling of face or legs with high blood pressure", 4, False),
    F("twins", "Hamil kembar 2 atau lebih", "Multiple pregnancy", 4, False),
    F("hydramnios", "Hamil kembar air (hidramnion)", "Excess amniotic fluid", 4, False),
    F("fetal_death", "Bayi mati dalam kandungan", "Fetal death in the womb", 4, False),
    F("post_term", "Kehamilan lebih bulan", "Pregnancy of 42 weeks or more", 4, True),
    F("breech", "Letak sungsang", "Breech presentation", 8, False),
    F("transverse_lie", "Letak lintang", "Transverse lie", 8, False),
    F("antepartum_bleeding", "Perdarahan dalam kehamilan ini",
      "Bleeding in this pregnancy", 8, False),
    F("severe_preeclampsia", "Preeklampsia berat atau kejang-kejang",
      "Severe pre-eclampsia or eclampsia", 8, False),
)
del F
# fmt: on

FACTORS_BY_CODE: dict[str, Factor] = {f.code: f for f in FACTORS}
_ORDER: dict[str, int] = {f.code: i for i, f in enumerate(FACTORS)}
ALL_CODES: frozenset[str] = frozenset(FACTORS_BY_CODE)
DERIVED_CODES: frozenset[str] = frozenset(f.code for f in FACTORS if f.derived)
GIVEN_CODES: frozenset[str] = ALL_CODES - DERIVED_CODES

# (lowest score, highest score or None, band). Card: 2 = KRR, 6-10 = KRT, 12+ = KRST;
# ranges so that any integer falls in exactly one band.
BANDS: tuple[tuple[int, int | None, str], ...] = (
    (BASE_SCORE, 5, "low"),
    (6, 11, "high"),
    (12, None, "very_high"),
)


@dataclass(frozen=True)
class Assessment:
    factors: list[str]  # in table (card) order
    score: int
    band: str


def unknown_codes(codes: Iterable[str]) -> list[str]:
    """Codes not in the table, deduplicated, in the order given."""
    return list(dict.fromkeys(c for c in codes if c not in ALL_CODES))


def age_at_pregnancy_start(dob: date, *, start: date) -> int:
    """The mother's age on day 0 of the gestational age (dates.ga_start): the age the
    card's age factors use.

    Our choice: age at the start of the pregnancy, so the score does not change
    when she has a birthday mid-pregnancy, and moves only when the dates do.
    """
    return age_on(dob, start)


def derived_factors(
    *,
    age_years: int | None,
    gravida: int,
    para: int,
    height_cm: float | None,
    ga_days: int | None,
) -> set[str]:
    """The factors the service computes; unknown inputs (None) add nothing.

    A first pregnancy (gravida 1) at 35+ scores both old_first_pregnancy and
    age_35_plus: they are separate items on the card.
    """
    if gravida < 1 or para < 0:
        raise ValueError("gravida must be at least 1 and para at least 0.")
    found: set[str] = set()
    if age_years is not None:
        if gravida == 1 and age_years <= YOUNG_FIRST_PREGNANCY_MAX_AGE:
            found.add("too_young")
        if gravida == 1 and age_years >= OLD_AGE:
            found.add("old_first_pregnancy")
        if age_years >= OLD_AGE:
            found.add("age_35_plus")
    if para >= MANY_CHILDREN_MIN_PARA:
        found.add("many_children")
    if height_cm is not None and height_cm <= SHORT_STATURE_MAX_CM:
        found.add("short_stature")
    if ga_days is not None and ga_days >= POST_TERM_DAYS:
        found.add("post_term")
    return found


def kspr_score(codes: Iterable[str]) -> int:
    """BASE_SCORE plus each distinct factor's points; unknown codes raise ValueError."""
    distinct = set(codes)
    if unknown := unknown_codes(distinct):
        raise ValueError(f"Unknown KSPR factor codes: {', '.join(sorted(unknown))}.")
    return BASE_SCORE + sum(FACTORS_BY_CODE[c].points for c in distinct)


def risk_band(score: int) -> str:
    """Band name (low, high, very_high) from the BANDS ranges."""
    for low, high, band in BANDS:
        if score >= low and (high is None or score <= high):
            return band
    raise ValueError(f"A KSPR score cannot be below {BASE_SCORE}.")


def assess(
    *,
    given: Iterable[str],
    age_years: int | None,
    gravida: int,
    para: int,
    height_cm: float | None,
    ga_days: int | None,
) -> Assessment:
    """Full KSPR assessment: the midwife's factors plus the derived ones.

    Derived codes sent by the client are ignored and recomputed, so a stale or
    mistyped age/height/para can never leave a factor stuck on. Unknown codes
    raise ValueError: validate with `unknown_codes` first.
    """
    given = set(given)
    if unknown := unknown_codes(given):
        raise ValueError(f"Unknown KSPR factor codes: {', '.join(sorted(unknown))}.")
    codes = (given & GIVEN_CODES) | derived_factors(
        age_years=age_years, gravida=gravida, para=para, height_cm=height_cm, ga_days=ga_days
    )
    score = kspr_score(codes)
    factors = sorted(codes, key=_ORDER.__getitem__)
    return Assessment(factors=factors, score=score, band=risk_band(score))
