"""`make bench SCALE=nation` (issue 18): the province measured alone, then inside the nation."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import connection

from bench.config import NATION_PROVINCE_CODES, NATION_SCENARIOS, SCALES, months_back
from bench.harness import JSON_KEYS, NATION_KEYS
from bench.scenarios import SCENARIOS


def test_months_back_counts_back_across_the_year():
    assert months_back(dt.date(2026, 1, 1), 3) == [
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
    ]
    assert months_back(dt.date(2026, 7, 1), 1) == [dt.date(2026, 7, 1)]


def test_the_nation_is_fifteen_provinces_three_months_deep():
    nation = SCALES["nation"]
    assert (nation.provinces, nation.months, nation.counties) == (15, 3, SCALES["province"].counties)
    assert nation.provinces - 1 <= len(NATION_PROVINCE_CODES)
    assert "15" not in NATION_PROVINCE_CODES and "16" not in NATION_PROVINCE_CODES  # bench's, registry's
    assert not SCALES["province"].nation and all(SCALES[n].nation for n in ("nation", "nation-lite"))
    assert set(NATION_SCENARIOS) <= set(SCENARIOS)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_nation_run_reports_each_scenario_against_the_province_alone(tmp_path, capsys):
    if connection.vendor != "postgresql":
        pytest.skip("基准测试只在 PostgreSQL 上运行")
    from attendance.models import AttendanceRecord
    from bench import nation
    from bench.build import drop_marker
    from villages.models import County

    output = tmp_path / "nation.json"
    names = ["monthly_totals_province", "reconcile_province"]
    try:
        call_command(
            "bench", "--scale", "nation-tiny", *[f"--only={n}" for n in names], "--output", str(output)
        )
        data = json.loads(output.read_text(encoding="utf-8"))
        assert [row["scenario"] for row in data] == names
        for row in data:
            assert tuple(row) == JSON_KEYS + NATION_KEYS, row
            assert row["province_seconds"] > 0 and row["seconds"] > 0
            assert row["nation_ratio"] == pytest.approx(row["seconds"] / row["province_seconds"], abs=0.01)
        # Two provinces of the same counties; the province's own rows are what they were alone.
        province = nation.province_county_ids()
        others = County.objects.exclude(id__in=province)
        assert (
            others.count()
            == County.objects.filter(code__startswith="15").exclude(code__startswith="1599").count()
        )
        assert set(others.values_list("code", flat=True)) == {
            "11" + code[2:]
            for code in County.objects.filter(code__startswith="15")
            .exclude(code__startswith="1599")
            .values_list("code", flat=True)
        }
        months = {m for m in AttendanceRecord.objects.values_list("month", flat=True).distinct()}
        assert len(months) == SCALES["nation-tiny"].months
        in_province = AttendanceRecord.objects.filter(
            month=max(months), township__county_id__in=province
        ).count()
        assert data[0]["rows"] == in_province
        assert AttendanceRecord.objects.filter(month=max(months)).count() > in_province
        figures = nation.read_build()
        assert figures["bytes_per_cadre_day"] > 0 and figures["attendance_rows_per_second"] > 0
        table = capsys.readouterr().out
        assert "nation/alone" in table and all(name in table for name in names)
    finally:
        drop_marker()
        nation.drop_tables()
