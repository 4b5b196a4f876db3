"""The optional 民情日记 source of 工作纪实: max × min(1, entries in the quarter ÷ the scheme's target).

Off by default (the default scheme's 工作纪实 is entered by hand). Runs through the ranking job,
the same SQL in the SQLite and the PostgreSQL round.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from appraisal.models import Indicator, QuarterResult, Source
from appraisal.ranking import compute_quarterly_ranking
from appraisal.schemes import copy_scheme, get_or_create_scheme
from diary.services import write_entry

Q3_DAYS = [dt.date(2026, 7, 1) + dt.timedelta(days=7 * n) for n in range(13)]


@pytest.fixture
def diaries(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for day in Q3_DAYS[:5]:
        write_entry(cadre=world.cadre_a1, day=day, household="甲", content="乙", today=day)
    for day in Q3_DAYS[:12]:
        write_entry(cadre=world.cadre_a2, day=day, household="甲", content="乙", today=day)
    # Outside the quarter: not counted.
    write_entry(
        cadre=world.cadre_a1,
        day=dt.date(2026, 10, 1),
        household="甲",
        content="乙",
        today=dt.date(2026, 10, 1),
    )


def _discipline(world):
    compute_quarterly_ranking(county=world.county_a, year=2026, quarter=3, propose=False)
    rows = QuarterResult.objects.filter(year=2026, quarter=3)
    return {r.cadre_id: r.discipline for r in rows}


def test_the_diary_source_is_off_by_default(world, diaries):
    scheme = get_or_create_scheme(county=world.county_a, year=2026)
    assert scheme.indicators.get(name="工作纪实").source == Source.MANUAL
    d = _discipline(world)
    assert d[world.cadre_a1.pk] == d[world.cadre_a2.pk] == Decimal("0.00")


def test_work_record_points_come_from_the_diary_when_chosen(world, diaries, client_for):
    scheme = get_or_create_scheme(county=world.county_a, year=2026)
    Indicator.objects.filter(scheme=scheme, name="工作纪实").update(source=Source.DIARY)  # max 3
    scheme.diary_target = 10
    scheme.save()
    d = _discipline(world)
    assert d[world.cadre_a1.pk] == Decimal("1.50")  # 3 × 5 / 10
    assert d[world.cadre_a2.pk] == Decimal("3.00")  # 12 of 10: capped at the maximum
    # The breakdown shows the indicator with its source, like the attendance indicator.
    result = QuarterResult.objects.get(cadre=world.cadre_a1, year=2026, quarter=3)
    body = (
        client_for(world.county_staff).get(reverse("appraisal:breakdown", args=[result.pk])).content.decode()
    )
    assert "工作纪实" in body and "民情日记" in body and "1.50" in body


def test_the_target_is_edited_with_the_scheme_and_copied_to_the_next_year(world, client_for):
    scheme = get_or_create_scheme(county=world.county_a, year=2026)
    client = client_for(world.county_staff)
    page = client.get(reverse("appraisal:scheme_detail", args=[scheme.pk]))
    formset = page.context["formset"]
    data = {"diary_target": "12", **{f"form-{k}": v for k, v in formset.management_form.initial.items()}}
    data["form-TOTAL_FORMS"] = str(len(formset.initial))
    for n, row in enumerate(formset.initial):
        for key, value in row.items():
            data[f"form-{n}-{key}"] = value
        if row["name"] == "工作纪实":
            data[f"form-{n}-source"] = Source.DIARY
    client.post(reverse("appraisal:scheme_detail", args=[scheme.pk]), data)
    scheme.refresh_from_db()
    assert scheme.diary_target == 12
    assert scheme.indicators.get(name="工作纪实").source == Source.DIARY
    assert copy_scheme(scheme=scheme, year=2027).diary_target == 12
    data["diary_target"] = "0"
    response = client.post(reverse("appraisal:scheme_detail", args=[scheme.pk]), data, follow=True)
    assert "民情日记目标篇数应为 1 到 1000 之间的整数" in response.content.decode()
