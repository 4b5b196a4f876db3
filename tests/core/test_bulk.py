"""core.bulk: the one bulk writer gives the same rows on both engines (COPY on PostgreSQL,
batched inserts elsewhere). Run in the SQLite round and the PostgreSQL round alike."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cadres.models import Posting
from checkins.models import CheckIn
from checkins.partitions import CHECKINS
from core import bulk
from core.history import collecting_changes
from villages.models import County, Township, VillageTag

pytestmark = pytest.mark.django_db


def test_chunks_cut_a_list_into_pieces_of_at_most_the_size():
    assert list(bulk.chunks(range(5), 2)) == [[0, 1], [2, 3], [4]]
    assert list(bulk.chunks([], 2)) == []


def test_fetch_reads_every_key_past_one_chunk():
    County.objects.bulk_create([County(code=f"9{i:05d}", name=f"县{i}") for i in range(bulk.CHUNK + 5)])
    codes = [f"9{i:05d}" for i in range(bulk.CHUNK + 5)] + ["000000"]
    rows = bulk.fetch(lambda keys: County.objects.filter(code__in=keys).values_list("code", flat=True), codes)
    assert sorted(rows) == sorted(codes[:-1])
    ids = list(County.objects.values_list("id", flat=True))
    assert len(bulk.fetch(lambda keys: County.objects.filter(id__in=keys), ids)) == len(ids)
    assert bulk.fetch(lambda keys: County.objects.filter(id__in=keys), []) == []


def test_create_returns_the_new_ids_in_order_and_fills_the_other_columns_with_their_defaults():
    county = County.objects.create(code="150523", name="示范县")
    ids = bulk.create(
        Township,
        ("code", "name", "county_id"),
        [("150523100", "甲镇", county.pk), ("150523101", "乙镇", county.pk)],
    )
    assert [Township.objects.get(pk=pk).code for pk in ids] == ["150523100", "150523101"]
    assert bulk.create(Township, ("code",), []) == []


def test_create_streams_a_generator_of_the_given_count():
    county = County.objects.create(code="150523", name="示范县")
    rows = ((f"150523{i:03d}", f"镇{i}", county.pk) for i in range(3))
    bulk.create(Township, ("code", "name", "county_id"), rows, count=3)
    assert Township.objects.count() == 3


def test_create_gives_auto_now_add_columns_the_time_of_the_call(world):
    before = timezone.now()
    bulk.create(
        Posting,
        ("cadre_id", "village_id", "unit_id", "role", "start_date", "planned_end_date"),
        [
            (
                world.cadre_b1.pk,
                world.v_a2.pk,
                world.unit_a.pk,
                "TEAM_MEMBER",
                dt.date(2030, 1, 1),
                dt.date(2030, 12, 31),
            )
        ],
    )
    posting = Posting.objects.get(start_date=dt.date(2030, 1, 1))
    assert posting.created_at >= before
    assert posting.status == Posting.Status.ACTIVE
    assert posting.actual_end_date is None


def test_create_refuses_a_duplicate_key():
    County.objects.create(code="150523", name="示范县")
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.create(County, ("code", "name"), [("150523", "重复")])


def test_update_writes_the_fields_of_many_rows_and_notes_each_change():
    counties = [County.objects.create(code=f"15052{i}", name=f"县{i}") for i in range(3)]
    for county in counties[:2]:
        county.name += "（新）"
    with collecting_changes() as changes:
        bulk.update(County, counties, ["name"])
    assert list(County.objects.order_by("code").values_list("name", flat=True)) == [
        "县0（新）",
        "县1（新）",
        "县2",
    ]
    assert [c["pk"] for c in changes] == [counties[0].pk, counties[1].pk]
    assert changes[0]["before"] == {"name": "县0"} and changes[0]["after"] == {"name": "县0（新）"}
    bulk.update(County, [], ["name"])


def test_insert_writes_the_given_columns_as_they_are_ids_included():
    bulk.insert(
        County,
        ["id", "code", "name", "city_name"],
        [(9001, "150599", "甲\t县\\", ""), (9002, "150598", "乙县", "市")],
    )
    assert dict(County.objects.values_list("id", "name")) == {9001: "甲\t县\\", 9002: "乙县"}


def test_insert_new_skips_rows_already_stored_or_repeated_and_counts_the_new(world):
    at = timezone.make_aware(dt.datetime(2026, 3, 2, 8, 30))

    def row(cadre, when, note=""):
        return (
            cadre.pk,
            None,
            when,
            when.date(),
            "AM",
            40.1,
            111.6,
            15.0,
            "IMPORT",
            note,
            "",
            True,
            "",
            None,
            timezone.now(),
        )

    columns = (
        "cadre_id",
        "posting_id",
        "at",
        "day",
        "slot",
        "latitude",
        "longitude",
        "accuracy_m",
        "source",
        "note",
        "photo",
        "valid",
        "reason",
        "distance_m",
        "created_at",
    )
    # The check-in table is partitioned by month on PostgreSQL: its key includes ``day``, so the
    # rows clash with "any unique key" (conflict=None), the way the check-in import writes.
    CHECKINS.ensure_month(at.date())
    first = bulk.insert_new(CheckIn, columns, [row(world.cadre_a1, at, "第一\n行")], conflict=None)
    again = bulk.insert_new(
        CheckIn,
        columns,
        [row(world.cadre_a1, at), row(world.cadre_a2, at), row(world.cadre_a2, at)],
        conflict=None,
    )
    assert (first, again) == (1, 1)
    stored = CheckIn.objects.get(cadre=world.cadre_a1)
    assert stored.at == at and stored.day == dt.date(2026, 3, 2) and stored.note == "第一\n行"
    assert CheckIn.objects.count() == 2


def test_insert_new_with_a_named_key_skips_only_clashes_on_that_key(world):
    columns = ("code", "name", "city_name")
    made = bulk.insert_new(
        County,
        columns,
        [("150599", "新县", ""), ("150523", "重名县", ""), ("150599", "又一个", "")],
        conflict=("code",),
    )
    assert made == 1
    assert County.objects.get(code="150599").name == "新县"
    assert County.objects.get(code="150523").name == world.county_a.name


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "\\N"),
        (True, "t"),
        (False, "f"),
        (3, "3"),
        (dt.date(2026, 3, 1), "2026-03-01"),
        ("a\tb\nc\\d\re", "a\\tb\\nc\\\\d\\re"),
    ],
)
def test_copy_text_writes_one_value_in_copys_text_format(value, text):
    assert bulk.copy_text(value) == text


def test_copy_lines_is_postgresql_only_and_streams_ready_lines():
    if connection.vendor != "postgresql":
        pytest.skip("COPY exists on PostgreSQL only")
    lines = (f"{name}\n" for name in ("甲", "乙"))
    with connection.cursor() as cursor:
        bulk.copy_lines(cursor, VillageTag._meta.db_table, ["name"], lines)
    assert set(VillageTag.objects.filter(name__in=["甲", "乙"]).values_list("name", flat=True)) == {
        "甲",
        "乙",
    }
