"""The baseline of the registration and list benchmark: the same rows written and read
as the service's endpoints write and read them, with nothing around it (no
authentication, validation, idempotency, KSPR, audit or serializer). It lives here,
never in the service's URLs.
"""

from __future__ import annotations

import json
import uuid
from datetime import date

from django.db import transaction
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from jsc.people.models import User
from pregnancies.models import Mother, Person, Pregnancy
from pregnancies.rules.dates import edd_from_lmp


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
                edd=edd_from_lmp(lmp),
                edd_source="lmp",
                gravida=data["gravida"],
                para=data["para"],
                abortus=data["abortus"],
                kspr_score=2,
                risk_band="low",
            )
        return JsonResponse(_shape(pregnancy, mother, person), status=201)
    mine = Pregnancy.objects.filter(facility_id=user.facility_id)
    rows = mine.select_related("mother", "person").order_by("edd", "id")[:50]
    return JsonResponse(
        {
            "count": mine.count(),
            "next": None,
            "previous": None,
            "results": [_shape(p, p.mother, p.person) for p in rows],
        }
    )


def _shape(p: Pregnancy, mother: Mother, person: Person) -> dict:
    """The same fields as the service's representation, put together by hand."""
    today = timezone.localdate()
    days = (today - p.lmp).days if p.lmp else 0
    return {
        "id": str(p.id),
        "mother": {
            "id": str(mother.id),
            "nik": person.nik,
            "full_name": mother.full_name,
            "date_of_birth": mother.date_of_birth.isoformat(),
            "age": today.year - mother.date_of_birth.year,
            "phone": mother.phone,
            "village": mother.village,
            "address": mother.address,
        },
        "lmp": p.lmp.isoformat() if p.lmp else None,
        "edd": p.edd.isoformat(),
        "edd_source": p.edd_source,
        "gestational_age": {"weeks": days // 7, "days": days % 7},
        "gravida": p.gravida,
        "para": p.para,
        "abortus": p.abortus,
        "height_cm": str(p.height_cm) if p.height_cm is not None else None,
        "risk_factors": p.risk_factors,
        "kspr_score": p.kspr_score,
        "risk_band": p.risk_band,
        "status": p.status,
        "facility": str(p.facility_id),
        "doctor": str(p.doctor_id) if p.doctor_id else None,
        "registered_by": str(p.registered_by_id),
        "created_at": p.created_at.isoformat(),
        "updated_at": p.updated_at.isoformat(),
    }


urlpatterns = [path("bare/pregnancies/", pregnancies)]
