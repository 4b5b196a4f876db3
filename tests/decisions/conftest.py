import datetime as dt

import pytest

JAN, FEB, MAR, APR = (dt.date(2026, m, 1) for m in (1, 2, 3, 4))
TODAY = dt.date(2026, 6, 15)  # after every month and quarter the tests look at


@pytest.fixture
def today():
    return TODAY
