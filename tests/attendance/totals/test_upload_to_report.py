"""Done when: an accepted township upload updates the month's report without anyone doing anything."""

import datetime as dt
import io

import openpyxl
from django.urls import reverse

from attendance.intake import write
from attendance.models import MonthlyTotal


def _long_sheet(cadre, marks: str) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["身份证号", "姓名", "日期", "状态", "备注"])
    for day, mark in enumerate(marks, 1):
        sheet.append([cadre.id_number, cadre.name, f"2026-03-{day:02d}", mark, ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_accepted_upload_computes_the_month_for_the_report(
    world, client_for, django_capture_on_commit_callbacks
):
    data = _long_sheet(world.cadre_a1, "√" * 16 + "○" * 6 + "事" * 9)

    with django_capture_on_commit_callbacks(execute=True):
        result = write.import_attendance(
            township=world.a1, month=dt.date(2026, 3, 1), file=data, as_of=dt.date(2026, 3, 31)
        )

    assert result.ok, [str(e) for e in result.errors]
    row = MonthlyTotal.objects.get(posting=world.p_a1, month=dt.date(2026, 3, 1))
    assert (row.on_site_days, row.overnight_days, row.leave_days, row.compliant) == (22, 16, 9, True)
    page = client_for(world.county_staff).get(reverse("attendance:monthly_report"), {"month": "2026-03"})
    assert world.cadre_a1.name in page.content.decode()
