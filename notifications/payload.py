"""Push texts, in Bahasa Indonesia, with nothing personal in them.

Lock screens are public and pushes travel through servers abroad (docs/domain.md,
"Alerts to doctors"): only opaque ids, the milestone and the risk band leave the service.
"""

from __future__ import annotations

from notifications.models import DEATH_NOTIFIED
from notifications.push import PushMessage
from pregnancies.rules.urgent import DANGER_SIGN_MILESTONE

DANGER_SIGN_TITLE = "SEGERA: Kunjungan perlu perhatian"
DANGER_SIGN_BODY = "Hasil kunjungan seorang ibu hamil perlu perhatian Anda. Buka aplikasi JSC."
# A death notified: that one happened, not whose, where or of what (not even mother or
# baby); the app opens the case by the alert's id.
DEATH_TITLE = "SEGERA: Laporan kematian baru"
DEATH_BODY = "Sebuah kematian telah dilaporkan dan perlu ditindaklanjuti. Buka aplikasi JSC."

BAND_LABEL = {
    "low": "risiko rendah",
    "high": "risiko tinggi",
    "very_high": "risiko sangat tinggi",
}


def when_label(offset_days: int) -> str:
    """'8 minggu lagi', 'hari ini', 'lewat 7 hari' for an offset from the due date."""
    if offset_days == 0:
        return "hari ini"
    if offset_days < 0:
        days = -offset_days
        return f"{days // 7} minggu lagi" if days % 7 == 0 else f"{days} hari lagi"
    return f"lewat {offset_days} hari"


def title_for(offset_days: int) -> str:
    # A post-term mother is the urgent case: "approaching the due date" would undersell it.
    if offset_days > 0:
        return "Ibu hamil melewati HPL"
    if offset_days == 0:
        return "Ibu hamil mencapai HPL"
    return "Ibu hamil mendekati HPL"


def alert_message(
    *,
    token: str,
    alert_id,
    pregnancy_id,
    milestone: str,
    offset_days: int,
    risk_band: str,
    urgent: bool,
    ref=None,
) -> PushMessage:
    prefix = "SEGERA: " if urgent else ""
    if str(milestone) == DANGER_SIGN_MILESTONE:
        # An urgent visit: that a visit needs attention, nothing about what it found.
        title, body = DANGER_SIGN_TITLE, DANGER_SIGN_BODY
    elif str(milestone) == DEATH_NOTIFIED:
        title, body = DEATH_TITLE, DEATH_BODY
    else:
        title = f"{prefix}{title_for(offset_days)}"
        body = (
            f"Seorang ibu hamil ({BAND_LABEL.get(risk_band, risk_band)}) HPL-nya "
            f"{when_label(offset_days)}. Buka aplikasi JSC untuk merencanakan persalinan."
        )
    return PushMessage(
        token=token,
        title=title,
        body=body,
        data={
            "alert_id": str(alert_id),
            # A death alert has none: the key stays, empty, so every push has the same four.
            "pregnancy_id": "" if pregnancy_id is None else str(pregnancy_id),
            # FCM takes string values only; str() also turns a TextChoices member into
            # its plain value.
            "milestone": str(milestone),
            "risk_band": "" if risk_band is None else str(risk_band),
        },
        ref=ref,
        # One notification per alert on the phone, however often it is pushed.
        collapse_id=str(alert_id),
    )
