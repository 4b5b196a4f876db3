import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from appraisal.models import Category, Scheme, Source
from appraisal.schemes import copy_scheme, create_default_scheme, get_or_create_scheme, replace_indicators
from tests.appraisal.factories import score, small_scheme

pytestmark = pytest.mark.django_db


def test_default_scheme_follows_domain_section_6(world):
    scheme = create_default_scheme(county=world.county_a, year=2026)
    by_cat = {}
    for i in scheme.indicators.all():
        by_cat.setdefault(i.category, []).append(i)
    common = by_cat[Category.COMMON]
    assert len(common) == 24 and sum(i.max_points for i in common) == Decimal("70")
    assert {"扶贫扶志", "产业发展", "基层组织建设", "为民办事"} <= {i.name for i in common}
    discipline = by_cat[Category.DISCIPLINE]
    assert [i.name for i in discipline] == ["遵纪守法", "脱产驻村", "请销假", "五个不准", "工作纪实"]
    assert sum(i.max_points for i in discipline) == Decimal("20")
    assert next(i for i in discipline if i.name == "脱产驻村").source == Source.ATTENDANCE
    assert [(i.max_points, i.source) for i in by_cat[Category.DEMOCRATIC]] == [
        (Decimal("10"), Source.DEMOCRATIC)
    ]
    assert by_cat[Category.BONUS][0].source == Source.MANUAL
    assert {i.source for i in by_cat[Category.DEDUCTION]} == {Source.MANUAL, Source.INSPECTION}


def test_a_new_year_copies_last_years_scheme(world):
    old = small_scheme(world.county_a, year=2025)
    new = get_or_create_scheme(county=world.county_a, year=2026)
    assert new.pk != old.pk
    assert sorted(new.indicators.values_list("name", "max_points")) == sorted(
        old.indicators.values_list("name", "max_points")
    )
    with pytest.raises(ValidationError):
        copy_scheme(scheme=old, year=2026)


def test_editing_a_scheme_in_use_is_refused(world):
    scheme = small_scheme(world.county_a)
    rows = [
        {
            "category": Category.COMMON,
            "name": "工作实绩",
            "max_points": Decimal("70"),
            "source": Source.MANUAL,
        }
    ]
    replace_indicators(scheme=scheme, rows=rows)
    assert scheme.indicators.count() == 1 and Scheme.objects.get(pk=scheme.pk).version == 2
    score(world.cadre_a1, scheme, "工作实绩", 50)
    with pytest.raises(ValidationError):
        replace_indicators(
            scheme=scheme,
            rows=rows
            + [{"category": Category.BONUS, "name": "加分", "max_points": 5, "source": Source.MANUAL}],
        )
    assert scheme.indicators.count() == 1


def test_export_scheme_command_writes_the_kaohe_xize_workbook(world, tmp_path):
    out = tmp_path / "scheme.xlsx"
    call_command("export_scheme", "--county", "150523", "--year", "2026", "--out", str(out))
    ws = openpyxl.load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    assert ws.title == "考核细则"
    assert list(rows[0]) == ["类别", "指标", "分值", "来源"]
    assert rows[1][0] == "共性指标" and isinstance(rows[1][2], int | float)
    assert sum(r[2] for r in rows[1:] if r[0] == "共性指标") == 70
    assert len(rows) == 1 + len(Scheme.objects.get(county=world.county_a, year=2026).indicators.all())


def test_export_scheme_command_refuses_an_unknown_county(world, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command(
            "export_scheme", "--county", "999999", "--year", "2026", "--out", str(tmp_path / "x.xlsx")
        )
    assert not (tmp_path / "x.xlsx").exists()


def test_scheme_workbook_from_the_page_and_copy_forward(world, client_for):
    scheme = small_scheme(world.county_a)
    client = client_for(world.county_staff)
    response = client.get(f"/appraisal/schemes/{scheme.pk}/export/")
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[1]] == ["类别", "指标", "分值", "来源"]
    response = client.post(f"/appraisal/schemes/{scheme.pk}/copy/")
    assert response.status_code == 302
    assert Scheme.objects.get(county=world.county_a, year=2027).indicators.count() == 7
