"""seed_demo step: compute the monthly totals of every county-month that has attendance.

County scale only (the demo county's few months take well under a second); at province scale the
benchmark measures the job itself, so this step does nothing there.
"""

from __future__ import annotations

import datetime as dt

from attendance.models import AttendanceRecord
from attendance.totals.compute import compute_monthly_totals


def seed(*, scale: str, rng=None, stdout=None, today: dt.date | None = None) -> None:
    if scale == "province":
        if stdout is not None:
            stdout.write("月度统计：省级规模跳过（由基准测试单独计算）")
        return
    pairs = (
        AttendanceRecord.objects.order_by("township__county_id", "month")
        .values_list("township__county_id", "month")
        .distinct()
    )
    # Months in order, so each month's year-to-date figures find the earlier months stored.
    for county_id, month in sorted(set(pairs), key=lambda p: (p[1], p[0])):
        rows = compute_monthly_totals(county=county_id, month=month)
        if stdout is not None:
            stdout.write(f"月度统计：{month:%Y-%m} 共 {rows} 条")
