"""Attendance records for the totals tests, created directly (no upload)."""

import datetime as dt

import factory

from attendance.models import AttendanceRecord, Mark


class AttendanceRecordFactory(factory.django.DjangoModelFactory):
    """A record copying cadre, township and month from its posting and date, as uploads do."""

    class Meta:
        model = AttendanceRecord

    posting = None
    cadre = factory.LazyAttribute(lambda o: o.posting.cadre)
    township = factory.LazyAttribute(lambda o: o.posting.village.township)
    date = dt.date(2026, 3, 1)
    month = factory.LazyAttribute(lambda o: o.date.replace(day=1))
    status = Mark.ON_SITE_OVERNIGHT


def mark_days(posting, first: dt.date, marks: str) -> list[AttendanceRecord]:
    """Bulk-create records from a string of sheet marks, one per day from ``first``.

    ``√ ○ 公 事 病 休 ×`` as on the sheet; ``.`` leaves the day unreported.
    """
    by_symbol = {
        "√": Mark.ON_SITE_OVERNIGHT,
        "○": Mark.ON_SITE,
        "公": Mark.OFFICIAL_TRIP,
        "事": Mark.LEAVE_PERSONAL,
        "病": Mark.LEAVE_SICK,
        "休": Mark.LEAVE_REST,
        "×": Mark.ABSENT,
    }
    township_id = posting.village.township_id
    records = []
    for offset, symbol in enumerate(marks):
        if symbol == ".":
            continue
        day = first + dt.timedelta(days=offset)
        records.append(
            AttendanceRecord(
                posting=posting,
                cadre_id=posting.cadre_id,
                township_id=township_id,
                month=day.replace(day=1),
                date=day,
                status=by_symbol[symbol],
            )
        )
    return AttendanceRecord.objects.bulk_create(records)
