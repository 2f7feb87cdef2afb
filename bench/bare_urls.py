"""The baseline of the registration and list benchmark: the same rows written and read
as the service's endpoints write and read them, with nothing around it (no
authentication, validation, idempotency, KSPR, audit or serializer). It lives here,
never in the service's URLs.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

from django.db import transaction
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from jsc.people.models import User
from pregnancies.models import Mother, Person, Pregnancy


def _midwife(username: str) -> User:
    return User.objects.get(username=username)


@csrf_exempt
def pregnancies(request):
    user = _midwife(request.GET.get("as", "bidan0"))
    if request.method == "POST":
        data = json.loads(request.body)
        m = data["mother"]
        lmp = date.fromisoformat(data["lmp"])
        with transaction.atomic():
            person = Person.objects.create(nik=m["nik"])
            mother = Mother.objects.create(
                person=person,
                facility_id=user.facility_id,
                full_name=m["full_name"],
                date_of_birth=date.fromisoformat(m["date_of_birth"]),
                phone=m.get("phone", ""),
                village=m.get("village", ""),
                address=m.get("address", ""),
                recorded_by=user,
            )
            pregnancy = Pregnancy.objects.create(
                id=uuid.uuid4(),
                mother=mother,
                person=person,
                facility_id=user.facility_id,
                registered_by=user,
                lmp=lmp,
                edd=lmp + timedelta(days=280),
                edd_source="lmp",
                gravida=data["gravida"],
                para=data["para"],
                abortus=data["abortus"],
                kspr_score=2,
                risk_band="low",
            )
        return JsonResponse({"id": str(pregnancy.id), "edd": pregnancy.edd.isoformat()}, status=201)
    rows = (
        Pregnancy.objects.filter(facility_id=user.facility_id)
        .select_related("mother", "person")
        .order_by("edd", "id")[:50]
    )
    return JsonResponse(
        {
            "results": [
                {
                    "id": str(p.id),
                    "edd": p.edd.isoformat(),
                    "risk_band": p.risk_band,
                    "status": p.status,
                    "mother": {"nik": p.person.nik, "full_name": p.mother.full_name},
                }
                for p in rows
            ]
        }
    )


urlpatterns = [path("bare/pregnancies/", pregnancies)]
