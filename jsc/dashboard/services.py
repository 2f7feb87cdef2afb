"""Writing the year's reference figures (crude birth rate, populations, annual targets)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from jsc.dashboard import rules
from jsc.dashboard.models import TargetYear, VillagePopulation
from jsc.people.models import Village

YEAR_MIN, YEAR_MAX = 2000, 2100


def _number(value, *, integer: bool) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or (integer and number != number.to_integral_value()):
        return None
    return number


def _checked(data: dict) -> tuple[dict, dict]:
    """The values to write and the errors, each error naming its field (and key)."""
    errors: dict = {}
    values: dict = {}
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    unknown = sorted(set(data) - {"crude_birth_rate_per_1000", "population", "annual_target_pct"})
    for name in unknown:
        errors[name] = [_("Unknown field.")]
    if "crude_birth_rate_per_1000" in data:
        cbr = _number(data["crude_birth_rate_per_1000"], integer=False)
        if cbr is None or not rules.CBR_MIN <= cbr <= rules.CBR_MAX:
            errors["crude_birth_rate_per_1000"] = [
                _("Give the crude birth rate per 1,000 people, between %(min)s and %(max)s.")
                % {"min": rules.CBR_MIN, "max": rules.CBR_MAX}
            ]
        else:
            values["cbr"] = cbr.quantize(Decimal("0.01"))
    population = data.get("population", {})
    if not isinstance(population, dict):
        errors["population"] = [_("Give an object of village code to population.")]
        population = {}
    known = dict(Village.objects.filter(code__in=list(population)).values_list("code", "pk"))
    wanted = {}
    problems: dict = {}
    for code, raw in population.items():
        number = _number(raw, integer=True)
        if code not in known:
            problems[code] = [_("No village of the regency has this code.")]
        elif number is None or number < 0 or number > rules.POPULATION_MAX:
            problems[code] = [_("Give the population as a whole number, 0 or more.")]
        else:
            wanted[known[code]] = int(number)
    if problems:
        errors["population"] = problems
    values["population"] = wanted
    pct = data.get("annual_target_pct", {})
    if not isinstance(pct, dict):
        errors["annual_target_pct"] = [_("Give an object of indicator to percent.")]
        pct = {}
    targets, pct_problems = {}, {}
    for indicator, raw in pct.items():
        number = _number(raw, integer=False)
        if indicator not in rules.INDICATORS:
            pct_problems[indicator] = [_("Unknown indicator.")]
        elif number is None or not 0 <= number <= 100:
            pct_problems[indicator] = [_("Give a percent from 0 to 100.")]
        else:
            targets[indicator] = float(number) if number % 1 else int(number)
    if pct_problems:
        errors["annual_target_pct"] = pct_problems
    values["annual_target_pct"] = targets
    return values, errors


def year_checked(raw) -> int:
    try:
        year = int(str(raw))
    except ValueError:
        year = None
    if year is None or not YEAR_MIN <= year <= YEAR_MAX:
        raise ValidationError(
            {
                "year": [
                    _("Give a year from %(min)s to %(max)s.") % {"min": YEAR_MIN, "max": YEAR_MAX}
                ]
            }
        )
    return year


@transaction.atomic
def targets_save(*, year: int, data: dict, by, demo: bool = False) -> TargetYear:
    """Set what ``data`` names for the year; villages and indicators not named keep theirs.

    Bad input raises ValidationError naming every problem, and nothing is written.
    """
    values, errors = _checked(data)
    if errors:
        raise ValidationError(errors)
    target, _created = TargetYear.objects.select_for_update().get_or_create(year=year)
    if "cbr" in values:
        target.crude_birth_rate_per_1000 = values["cbr"]
    target.annual_target_pct = {**(target.annual_target_pct or {}), **values["annual_target_pct"]}
    target.demo = demo
    target.updated_by = by
    target.save()
    existing = {
        p.village_id: p for p in target.populations.filter(village_id__in=values["population"])
    }
    changed, new = [], []
    for village_id, population in values["population"].items():
        if village_id in existing:
            existing[village_id].population = population
            changed.append(existing[village_id])
        else:
            new.append(
                VillagePopulation(target_year=target, village_id=village_id, population=population)
            )
    VillagePopulation.objects.bulk_update(changed, ["population"])
    VillagePopulation.objects.bulk_create(new)
    return target


def targets_answer(year: int) -> dict:
    """The year's whole data, as the PUT answers it."""
    from jsc.dashboard.selectors.pws import targets_for

    targets = targets_for(year)
    population = dict(
        VillagePopulation.objects.filter(target_year__year=year)
        .order_by("village__code")
        .values_list("village__code", "population")
    )
    return {
        "year": year,
        "crude_birth_rate_per_1000": targets.crude_birth_rate_per_1000,
        "population": population,
        "annual_target_pct": targets.annual_target_pct,
        "demo": targets.demo,
    }
