"""The demo step writes diaries with open, overdue and closed items, once."""

import io
import random

from django.utils import timezone

from demo import county as demo_registry
from demo import diary as demo_diary
from diary.models import Entry, Item


def test_demo_diaries_have_open_overdue_and_closed_items_and_a_second_run_adds_nothing(db):
    demo_registry.seed(scale="county", rng=random.Random(2026), stdout=io.StringIO())
    out = io.StringIO()
    demo_diary.seed(scale="county", rng=random.Random(7), stdout=out)
    today = timezone.localdate()
    assert Entry.objects.count() > 150
    assert Entry.objects.filter(is_late=True).exists()
    assert Item.objects.filter(status=Item.Status.CLOSED).exists()
    assert Item.objects.overdue_on(today).exists()
    assert Item.objects.open_on(today).exclude(due_date__lt=today).exists()
    assert "民情日记：" in out.getvalue() and "cadre" in out.getvalue()
    count = Entry.objects.count()
    demo_diary.seed(scale="county", rng=random.Random(7), stdout=io.StringIO())
    assert Entry.objects.count() == count
