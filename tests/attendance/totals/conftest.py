import datetime as dt

import pytest

from attendance.models import MonthlyTotal
from attendance.totals.compute import compute_monthly_totals

MARCH = dt.date(2026, 3, 1)
APRIL = dt.date(2026, 4, 1)
AFTER = dt.date(2026, 6, 30)  # a "today" after every month the tests look at


@pytest.fixture
def compute():
    """Compute a county-month with a fixed today and return its rows by posting id."""

    def run(county, month=MARCH, today=AFTER):
        compute_monthly_totals(county=county, month=month, today=today)
        return {t.posting_id: t for t in MonthlyTotal.objects.filter(county=county, month=month)}

    return run
