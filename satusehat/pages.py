"""The dashboard's SATUSEHAT page (/dashboard/satusehat/): the status API's answer for
people, with the mothers the national patient index does not know yet."""

from __future__ import annotations

from django.shortcuts import render

from jsc.dashboard.views import dashboard_page
from pregnancies.audit import audit_list
from pregnancies.models import Pregnancy
from satusehat.messages import PAUSE_WORDS, WAITING_SHORT, row_problem
from satusehat.selectors import outbox_status, patients_not_found_for

# The page lists at most this many mothers; the API pages through all of them.
NOT_FOUND_SHOWN = 50


@dashboard_page
def status_page(request, today):
    data = outbox_status()
    facilities = [
        {
            **entry,
            "problem_words": row_problem(entry["problem"]),
            "waiting_words": [
                (n, WAITING_SHORT[reason]) for reason, n in sorted(entry["waiting_reasons"].items())
            ],
        }
        for entry in data["by_facility"]
    ]
    rows = list(patients_not_found_for(request.user)[:NOT_FOUND_SHOWN])
    # Admins see no mother's record: the selector gives them none, only the count.
    pregnancies = Pregnancy.objects.select_related("mother", "facility").in_bulk(
        [r.pregnancy_id for r in rows]
    )
    audit_list(user=request.user, pregnancy_ids=list(pregnancies))
    not_found = [(r, pregnancies[r.pregnancy_id]) for r in rows if r.pregnancy_id in pregnancies]
    pause = data["paused"]
    return render(
        request,
        "satusehat/status.html",
        {
            "data": data,
            "facilities": facilities,
            "pause": pause,
            "pause_words": PAUSE_WORDS[pause.reason] if pause else "",
            "not_found": not_found,
            "not_found_total": sum(
                e["waiting_reasons"].get("patient_unknown", 0) for e in data["by_facility"]
            ),
            "nav": "satusehat",
        },
    )
