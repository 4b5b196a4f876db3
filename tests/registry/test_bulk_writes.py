"""The fast paths of the registry import give the same rows as the plain ones (see registry/write.py and core/bulk.py)."""

import pytest
from django.utils import timezone

from cadres.models import Cadre, Posting
from core import idcard
from core.pinyin import initials, memoised_initials
from registry import importing
from registry.importing import import_registry
from tests.registry.workbooks import good_data

pytestmark = pytest.mark.django_db

TRICKY_NAMES = [
    "张伟",
    "重庆村",
    "长乐村",
    "银行村",
    "朝阳区",
    "中国人民银行",
    "了不起",
    "长江大桥",
    "会计村",
    "单雄信",
    "曾国藩",
    "尉迟恭",
    "解放村",
    "覃",
    "ABC村",
    "张三1",
    "李 娜",
    "张-伟",
    "Ⅱ号村",
    "U1503县委",
    "欧阳娜娜",
    "诸葛亮",
    "司马光",
    "长孙无忌",
    "王〇",
    "",
]


def test_memoised_initials_are_the_same_as_core_pinyin_initials():
    fast = memoised_initials()

    assert [fast(name) for name in TRICKY_NAMES] == [initials(name) for name in TRICKY_NAMES]
    # Asked again (now from the memo), the same.
    assert [fast(name) for name in TRICKY_NAMES] == [initials(name) for name in TRICKY_NAMES]


def test_imported_rows_get_the_defaults_and_derived_fields_bulk_create_would_give():
    before = timezone.now()
    result = import_registry(file=good_data().xlsx())

    assert result.ok, [str(e) for e in result.errors]
    for cadre in Cadre.objects.all():
        assert cadre.gender == idcard.gender(cadre.id_number)
        assert cadre.birth_date == idcard.birth_date(cadre.id_number)
        assert cadre.name_initials == initials(cadre.name)
    postings = list(Posting.objects.all())
    assert postings
    for posting in postings:
        assert posting.status == Posting.Status.ACTIVE
        assert posting.actual_end_date is None
        assert posting.created_at >= before


def test_a_row_saved_by_someone_else_between_check_and_write_rejects_the_whole_file(monkeypatch):
    data = good_data()
    clash = data.cadres[0]
    original = importing.RegistryImport._write_units

    def someone_saves_first(self, county_ids):
        number = clash[0]
        Cadre.objects.create(id_number=number, name="抢先", birth_date=idcard.birth_date(number))
        return original(self, county_ids)

    monkeypatch.setattr(importing.RegistryImport, "_write_units", someone_saves_first)

    result = import_registry(file=data.xlsx())

    assert not result.ok
    assert [str(e) for e in result.errors] == ["写入时与其他人刚保存的数据冲突，未写入任何数据，请重新导入"]
    assert not Cadre.objects.exists()
    assert not Posting.objects.exists()
