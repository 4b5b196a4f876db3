"""Entry dating and 补记, and an item's life: open → closed, never reopened, overdue by date."""

import datetime as dt

import pytest

from diary.models import Entry, Item
from diary.services import DiaryError, ItemDraft, check_entry_date, close_item, edit_entry, write_entry
from villages.models import Policy

TODAY = dt.date(2026, 11, 20)


def write(world, day, items=(), **kw):
    return write_entry(
        cadre=world.cadre_a1,
        day=day,
        household="王大爷家",
        content="反映村道路灯坏了",
        items=items,
        today=TODAY,
        **kw,
    )


def test_an_entry_written_today_is_dated_today_and_not_late(world):
    entry = write(world, TODAY)
    assert entry.date == TODAY and not entry.is_late
    assert entry.village == world.v_a1 and entry.posting == world.p_a1


@pytest.mark.parametrize("days_back", [1, 2, 3])
def test_an_entry_for_one_of_the_previous_three_days_is_marked_late(world, days_back):
    entry = write(world, TODAY - dt.timedelta(days=days_back))
    assert entry.is_late


def test_an_entry_four_days_back_is_refused_with_the_earliest_allowed_day(world):
    with pytest.raises(DiaryError) as exc:
        write(world, TODAY - dt.timedelta(days=4))
    assert "只能补记前 3 天内的日记（最早 2026-11-17）" in exc.value.message_dict["date"][0]
    assert not Entry.objects.exists()


def test_a_future_date_is_refused(world):
    with pytest.raises(DiaryError, match="今天以后"):
        check_entry_date(TODAY + dt.timedelta(days=1), today=TODAY)


def test_a_day_without_posting_is_refused(world):
    world.p_a1.actual_end_date = dt.date(2026, 11, 18)
    world.p_a1.save()
    with pytest.raises(DiaryError, match="没有驻村任务"):
        write(world, TODAY)


def test_item_due_date_defaults_to_policy_days_after_the_entry_date(world):
    Policy.for_county(world.county_a)
    Policy.objects.filter(county=world.county_a).update(diary_item_due_days=10)
    entry = write(world, TODAY - dt.timedelta(days=2), items=[ItemDraft("修路灯", "村主任李强")])
    item = entry.items.get()
    assert item.raised_on == dt.date(2026, 11, 18)
    assert item.due_date == dt.date(2026, 11, 28)
    assert item.status == Item.Status.OPEN and item.cadre == world.cadre_a1 and item.village == world.v_a1


def test_a_bad_item_refuses_the_whole_entry(world):
    with pytest.raises(DiaryError, match="第 2 件诉求：请填写责任人"):
        write(world, TODAY, items=[ItemDraft("修路灯", "李强"), ItemDraft("低保复核", " ")])
    assert not Entry.objects.exists() and not Item.objects.exists()


def test_an_item_closes_once_and_never_reopens(world):
    item = write(world, TODAY - dt.timedelta(days=1), items=[ItemDraft("修路灯", "李强")]).items.get()
    closed = close_item(item=item, note="已更换灯泡", today=TODAY)
    assert closed.status == Item.Status.CLOSED and closed.closed_on == TODAY
    assert closed.closing_note == "已更换灯泡"
    with pytest.raises(DiaryError, match="不能重新打开或再次销号"):
        close_item(item=item, note="再次办结", today=TODAY)
    item.refresh_from_db()
    assert item.closing_note == "已更换灯泡"
    assert item.history.count() == 2  # raised, closed


def test_closing_needs_a_note_and_a_date_between_raising_and_today(world):
    item = write(world, TODAY - dt.timedelta(days=1), items=[ItemDraft("修路灯", "李强")]).items.get()
    with pytest.raises(DiaryError, match="请填写办结情况"):
        close_item(item=item, note="  ", today=TODAY)
    with pytest.raises(DiaryError, match="不能早于提出日期"):
        close_item(item=item, note="好了", closed_on=TODAY - dt.timedelta(days=5), today=TODAY)
    with pytest.raises(DiaryError, match="不能晚于今天"):
        close_item(item=item, note="好了", closed_on=TODAY + dt.timedelta(days=1), today=TODAY)
    assert Item.objects.get().status == Item.Status.OPEN


def test_an_item_is_overdue_only_while_open_after_its_due_date(world):
    entry = write(world, TODAY, items=[ItemDraft("修路灯", "李强", due_date=TODAY + dt.timedelta(days=2))])
    item = entry.items.get()
    assert not item.is_overdue(TODAY + dt.timedelta(days=2))  # due day itself: not yet
    assert item.is_overdue(TODAY + dt.timedelta(days=3))
    assert Item.objects.overdue_on(TODAY + dt.timedelta(days=3)).count() == 1
    close_item(item=item, note="办好了", today=TODAY + dt.timedelta(days=1))
    item.refresh_from_db()
    assert not item.is_overdue(TODAY + dt.timedelta(days=3))
    assert Item.objects.overdue_on(TODAY + dt.timedelta(days=3)).count() == 0


def test_an_item_due_before_its_entry_is_refused(world):
    with pytest.raises(DiaryError, match="办理期限不能早于日记日期"):
        write(world, TODAY, items=[ItemDraft("修路灯", "李强", due_date=TODAY - dt.timedelta(days=1))])


def test_editing_an_entry_keeps_the_earlier_text_in_the_history(world, django_user_model):
    entry = write(world, TODAY)
    edit_entry(
        entry=entry,
        household="王大爷家",
        content="路灯已报修，另反映水渠堵塞",
        items=[ItemDraft("清水渠", "张会计")],
    )
    entry.refresh_from_db()
    assert entry.content == "路灯已报修，另反映水渠堵塞"
    contents = list(entry.history.order_by("history_date").values_list("content", flat=True))
    assert contents == ["反映村道路灯坏了", "路灯已报修，另反映水渠堵塞"]
    assert entry.items.count() == 1 and entry.date == TODAY


def test_diary_rows_cannot_be_deleted_while_items_point_at_them(world):
    from django.db.models import ProtectedError

    entry = write(world, TODAY, items=[ItemDraft("修路灯", "李强")])
    with pytest.raises(ProtectedError):
        entry.delete()
