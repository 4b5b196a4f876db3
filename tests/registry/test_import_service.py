import datetime as dt

import pytest

from cadres.models import Cadre, DispatchingUnit, Posting
from registry.importing import import_registry
from tests.registry.workbooks import COUNTY, bad_check_digit, good_data, id_number
from villages.models import County, Policy, Township, Village, VillageTag

pytestmark = pytest.mark.django_db


def messages(result) -> list[str]:
    return [str(e) for e in result.errors]


def snapshot():
    """Every registry row as plain values, to prove a second import changes nothing."""
    return {
        "counties": list(County.objects.values_list("code", "name").order_by("code")),
        "townships": list(Township.objects.values_list("code", "name", "county__code").order_by("code")),
        "villages": list(
            Village.objects.values_list("code", "name", "name_initials", "township__code").order_by("code")
        ),
        "tags": sorted(Village.tags.through.objects.values_list("village__code", "villagetag__name")),
        "units": list(
            DispatchingUnit.objects.values_list("code", "name", "level", "county__code").order_by("code")
        ),
        "cadres": list(Cadre.objects.values_list().order_by("id")),
        "postings": list(
            Posting.objects.values_list(
                "id",
                "cadre_id",
                "village_id",
                "unit_id",
                "role",
                "start_date",
                "planned_end_date",
                "actual_end_date",
                "status",
            ).order_by("id")
        ),
    }


def test_a_good_file_creates_every_row_with_the_right_counts():
    result = import_registry(file=good_data().xlsx())

    assert result.ok, messages(result)
    assert result.counts["县"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert result.counts["乡镇"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert result.counts["村"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert result.counts["派出单位"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert result.counts["干部"] == {"created": 3, "updated": 0, "unchanged": 0}
    assert result.counts["选派"] == {"created": 3, "updated": 0, "unchanged": 0}
    county = County.objects.get(code=COUNTY)
    assert county.name == "奈曼旗"
    assert Township.objects.filter(county=county).count() == 2
    village = Village.objects.get(code="150525100201")
    assert sorted(village.tags.values_list("name", flat=True)) == ["建档立卡贫困村", "软弱涣散村"]
    assert village.name_initials == "bytlc"
    assert sorted(Village.objects.get(code="150525101201").tags.values_list("name", flat=True)) == [
        "集体经济薄弱",
        "青壮劳动力外流",
    ]
    unit = DispatchingUnit.objects.get(code="U150525002")
    assert (unit.level, unit.county, unit.name_initials) == (DispatchingUnit.Level.CITY, county, "tlsczj")


def test_a_good_file_stores_cadres_with_birth_date_and_gender_from_the_id_number():
    import_registry(file=good_data().xlsx())

    li = Cadre.objects.get(name="李娜")
    assert li.birth_date == dt.date(1990, 7, 1)
    assert li.gender == Cadre.Gender.FEMALE
    assert (li.education, li.identity, li.rank) == (
        Cadre.Education.MASTER,
        Cadre.Identity.PUBLIC_INSTITUTION,
        Cadre.Rank.STAFF,
    )
    assert li.home_unit.code == "U150525002"
    assert li.name_initials == "ln"
    zhang = Cadre.objects.get(name="张伟")
    assert zhang.expertise == "党务、农业"
    assert zhang.gender == Cadre.Gender.MALE
    wang = Cadre.objects.get(name="王强")
    assert (wang.mobile, wang.education, wang.home_unit) == ("", "", None)


def test_a_good_file_creates_active_postings_and_a_policy_per_county():
    import_registry(file=good_data().xlsx())

    postings = Posting.objects.order_by("start_date", "role")
    assert postings.count() == 3
    assert set(postings.values_list("status", flat=True)) == {Posting.Status.ACTIVE}
    first = Posting.objects.get(cadre__name="张伟")
    assert (first.role, first.start_date, first.planned_end_date, first.unit.code) == (
        Posting.Role.FIRST_SECRETARY,
        dt.date(2026, 1, 1),
        dt.date(2027, 12, 31),
        "U150525001",
    )
    assert Posting.objects.get(cadre__name="李娜").start_date == dt.date(2026, 1, 1)
    assert Policy.objects.filter(county__code=COUNTY).count() == 1


def test_importing_the_same_file_twice_changes_nothing():
    data = good_data().xlsx()
    assert import_registry(file=data).ok
    before = snapshot()

    again = import_registry(file=data)

    assert again.ok, messages(again)
    for key, counts in again.counts.items():
        assert counts["created"] == 0 and counts["updated"] == 0, key
    assert again.counts["干部"]["unchanged"] == 3
    assert again.counts["选派"]["unchanged"] == 3
    assert snapshot() == before
    assert Policy.objects.count() == 1


def test_a_changed_row_is_updated_in_place():
    assert import_registry(file=good_data().xlsx()).ok
    data = good_data()
    data.cadres[0][1] = "张卫"
    data.villages[1][3] = "软弱涣散村"
    data.postings[0][5] = dt.date(2027, 6, 30)
    posting_id = Posting.objects.get(cadre__id_number=id_number(11)).pk

    result = import_registry(file=data.xlsx())

    assert result.ok, messages(result)
    assert result.counts["干部"] == {"created": 0, "updated": 1, "unchanged": 2}
    assert result.counts["村"] == {"created": 0, "updated": 1, "unchanged": 2}
    assert result.counts["选派"] == {"created": 0, "updated": 1, "unchanged": 2}
    cadre = Cadre.objects.get(id_number=id_number(11))
    assert (cadre.name, cadre.name_initials) == ("张卫", "zw")
    assert list(Village.objects.get(code="150525100202").tags.values_list("name", flat=True)) == [
        "软弱涣散村"
    ]
    assert Posting.objects.get(pk=posting_id).planned_end_date == dt.date(2027, 6, 30)
    assert Posting.objects.count() == 3


def test_village_tags_are_replaced_by_the_files_tags():
    assert import_registry(file=good_data().xlsx()).ok
    data = good_data()
    data.villages[0][3] = "深度贫困村，软弱涣散村"

    assert import_registry(file=data.xlsx()).ok

    tags = Village.objects.get(code="150525100201").tags.values_list("name", flat=True)
    assert sorted(tags) == ["深度贫困村", "软弱涣散村"]
    assert VillageTag.objects.filter(name="建档立卡贫困村").exists()


def test_a_dry_run_counts_but_writes_nothing():
    result = import_registry(file=good_data().xlsx(), dry_run=True)

    assert result.ok
    assert result.dry_run
    assert result.counts["干部"]["created"] == 3
    assert not County.objects.exists()
    assert not Cadre.objects.exists()
    assert not VillageTag.objects.exists()


def test_a_bad_check_digit_names_the_cell_and_writes_nothing():
    data = good_data()
    data.cadres[1][0] = bad_check_digit(data.cadres[1][0])
    data.postings[1][0] = data.cadres[1][0]

    result = import_registry(file=data.xlsx())

    assert not result.ok
    assert any(m.startswith("干部!A3: 身份证号校验位错误") for m in messages(result)), messages(result)
    error = next(e for e in result.errors if e.sheet == "干部")
    assert (error.row, error.column) == (3, "A")
    assert any(m.startswith("选派!A3: 身份证号校验位错误") for m in messages(result))
    assert not County.objects.exists()
    assert not Cadre.objects.exists()


def test_an_unknown_village_code_in_postings_is_an_error():
    data = good_data()
    data.postings[2][1] = "150525101299"

    result = import_registry(file=data.xlsx())

    assert not result.ok
    assert messages(result) == ["选派!B4: 村代码 150525101299 不存在：“村”表和系统中都没有这个村"]
    assert not Posting.objects.exists()


def test_a_village_already_in_the_database_may_be_referenced(world):
    data = good_data()
    data.postings[2][1] = world.v_a2.code

    result = import_registry(file=data.xlsx())

    assert result.ok, messages(result)
    assert Posting.objects.filter(village=world.v_a2, cadre__name="王强").exists()


def test_overlapping_first_secretaries_within_the_file_are_refused():
    data = good_data()
    # 王强 becomes a second first secretary of 白音他拉村 while 张伟 is there.
    data.postings[2][1] = "150525100201"

    result = import_registry(file=data.xlsx())

    assert not result.ok
    assert messages(result) == ["选派!D4: 与第 2 行的第一书记时间重叠，一个村同一天只能有一名第一书记"]
    assert not Posting.objects.exists()


def test_overlapping_first_secretaries_against_the_database_are_refused(world):
    data = good_data()
    data.postings[2][1] = world.v_a1.code  # world.p_a1 is its first secretary through 2027

    result = import_registry(file=data.xlsx())

    assert not result.ok
    [message] = messages(result)
    assert message.startswith("选派!D4: 北堡村在 2026-01-01 至 2027-12-31 已有第一书记")
    assert "一个村同一天只能有一名第一书记" in message


def test_first_secretaries_one_after_the_other_are_accepted(world):
    data = good_data()
    data.postings[2][1] = world.v_a1.code
    data.postings[2][4] = dt.date(2028, 1, 1)
    data.postings[2][5] = dt.date(2029, 12, 31)

    result = import_registry(file=data.xlsx())

    assert result.ok, messages(result)


def test_a_cadre_with_two_overlapping_postings_in_the_file_is_refused():
    data = good_data()
    data.postings.append(
        [id_number(11), "150525101201", "U150525001", "工作队员", "2027-06-01", "2028-05-31"]
    )

    result = import_registry(file=data.xlsx())

    assert not result.ok
    assert messages(result) == ["选派!E5: 该干部的选派与第 2 行的选派时间重叠，同一干部同一天只能有一个选派"]


def test_a_cadre_already_posted_in_the_database_cannot_get_an_overlapping_posting(world):
    data = good_data()
    data.cadres.append([world.cadre_a2.id_number, world.cadre_a2.name, "", "", "", "", "", ""])
    data.postings.append(
        [world.cadre_a2.id_number, "150525100202", "U150525001", "工作队员", "2027-01-01", "2028-12-31"]
    )

    result = import_registry(file=data.xlsx())

    assert not result.ok
    [message] = messages(result)
    assert message.startswith("选派!E5: 该干部在 2026-01-01 至 2027-12-31 已选派到香邑村（工作队员）")


def test_an_ended_posting_in_the_database_leaves_room_after_its_actual_end(world):
    Posting.objects.filter(pk=world.p_a2.pk).update(
        actual_end_date=dt.date(2026, 6, 30), status=Posting.Status.TRANSFERRED
    )
    data = good_data()
    data.postings.append(
        [world.cadre_a2.id_number, "150525100202", "U150525001", "工作队员", "2026-07-01", "2028-06-30"]
    )

    result = import_registry(file=data.xlsx())

    assert result.ok, messages(result)
    assert world.cadre_a2.postings.count() == 2


def test_missing_sheets_and_headers_are_named():
    data = good_data()

    result = import_registry(
        file=data.xlsx(
            omit_sheets=["派出单位"],
            headers={"干部": ["身份证号", "姓名", "手机", "学历", "身份", "职级", "专长"]},
        )
    )

    assert not result.ok
    assert messages(result) == [
        "派出单位: 缺少工作表“派出单位”",
        "干部: 缺少表头“单位代码”（应有：身份证号、姓名、手机、学历、身份、职级、专长、单位代码）",
    ]


def test_columns_are_found_by_header_name_and_extra_columns_are_ignored():
    data = good_data()
    for row in data.cadres:
        row.reverse()
        row.insert(0, "备注随便")
    header = ["备注", *reversed(["身份证号", "姓名", "手机", "学历", "身份", "职级", "专长", "单位代码"])]

    result = import_registry(file=data.xlsx(headers={"干部": header}, extra_sheets=["封面"]))

    assert result.ok, messages(result)
    assert Cadre.objects.get(name="张伟").mobile == "13900000001"


def test_an_error_cell_letter_follows_the_header_position():
    data = good_data()
    for row in data.cadres:
        row.insert(0, "")
    data.cadres[0][1] = bad_check_digit(data.cadres[0][1])
    header = ["备注", "身份证号", "姓名", "手机", "学历", "身份", "职级", "专长", "单位代码"]

    result = import_registry(file=data.xlsx(headers={"干部": header}))

    assert "干部!B2: 身份证号校验位错误（应为 " in messages(result)[0]


def test_a_file_that_is_not_a_workbook_is_refused():
    result = import_registry(file=b"%PDF-1.4 not a workbook")

    assert not result.ok
    assert messages(result) == ["文件不是 Excel 工作簿（.xlsx），请上传 .xlsx 格式的文件"]


def test_every_bad_value_is_reported_with_its_cell():
    data = good_data()
    data.townships[1][2] = "15052510"
    data.villages[1][2] = "150525109"
    data.units[0][2] = "国家级"
    data.cadres[0][2] = "1390000"
    data.cadres[0][3] = "高中"
    data.cadres[1][4] = "农民"
    data.cadres[1][5] = "处级"
    data.cadres[2][1] = ""
    data.postings[0][3] = "书记"
    data.postings[1][4] = "2026-13-01"
    data.postings[2][5] = dt.date(2026, 2, 1)

    result = import_registry(file=data.xlsx())

    assert [(e.sheet, f"{e.column}{e.row}") for e in result.errors] == [
        ("乡镇", "C3"),
        ("村", "C3"),
        ("村", "C4"),
        ("派出单位", "C2"),
        ("干部", "C2"),
        ("干部", "D2"),
        ("干部", "E3"),
        ("干部", "F3"),
        ("干部", "B4"),
        ("选派", "D2"),
        ("选派", "E3"),
        ("选派", "F4"),
    ]
    text = "\n".join(messages(result))
    assert "乡镇代码“15052510”应为 9 位数字" in text
    assert "乡镇代码 150525109 不存在" in text
    assert "级别“国家级”无效，应为 省/市/县/乡镇" in text
    assert "学历“高中”无效" in text
    assert "姓名不能为空" in text
    assert "职务“书记”无效" in text
    assert "开始日期“2026-13-01”无效，应为 Excel 日期或 YYYY-MM-DD" in text
    assert "计划结束日期早于开始日期" in text
    assert not County.objects.exists()


def test_duplicate_keys_within_a_sheet_are_errors():
    data = good_data()
    data.villages.append(["150525100202", "重复村", "150525100", ""])
    data.cadres.append(list(data.cadres[0]))
    data.postings.append(list(data.postings[0]))

    result = import_registry(file=data.xlsx())

    assert messages(result) == [
        "村!A5: 村代码与第 3 行重复",
        "干部!A5: 身份证号与第 2 行重复",
        "选派!E5: 同一干部、同一村、同一开始日期的选派与第 2 行重复",
    ]


def test_unknown_references_to_townships_units_counties_and_cadres_are_errors():
    data = good_data()
    data.units[1][3] = "150599"
    data.cadres[2][7] = "U999"
    data.postings[2][2] = "U998"
    data.postings[2][0] = id_number(99)

    result = import_registry(file=data.xlsx())

    assert messages(result) == [
        "派出单位!D3: 县代码 150599 不存在：“乡镇”表和系统中都没有这个县",
        "干部!H4: 单位代码 U999 不存在：“派出单位”表和系统中都没有这个单位",
        f"选派!A4: 身份证号 {id_number(99)} 不在“干部”表中，系统中也没有这名干部",
        "选派!C4: 单位代码 U998 不存在：“派出单位”表和系统中都没有这个单位",
    ]


def test_codes_typed_as_numbers_and_a_lower_case_x_are_read_as_text():
    data = good_data()
    data.townships[0][0] = int(COUNTY)
    data.villages[0][0] = 150525100201
    data.villages[0][2] = 150525100
    x_number = next(
        n for n in (id_number(s, birth=dt.date(1988, 1, 2)) for s in range(1, 999)) if n.endswith("X")
    )
    data.cadres[2][0] = x_number.lower()
    data.postings[2][0] = x_number
    data.postings[2][4] = 46082  # 2026-03-01 as an Excel serial number

    result = import_registry(file=data.xlsx())

    assert result.ok, messages(result)
    assert Cadre.objects.filter(id_number=x_number).exists()
    assert Posting.objects.get(cadre__id_number=x_number).start_date == dt.date(2026, 3, 1)


def test_optional_gender_and_birth_date_columns_must_agree_with_the_id_number():
    data = good_data()
    header = ["身份证号", "姓名", "手机", "学历", "身份", "职级", "专长", "单位代码", "性别", "出生日期"]
    data.cadres[0] += ["男", "1985-03-14"]
    data.cadres[1] += ["男", ""]
    data.cadres[2] += ["", "1979-12-30"]

    result = import_registry(file=data.xlsx(headers={"干部": header}))

    assert messages(result) == ["干部!I3: 性别与身份证号不一致", "干部!J4: 出生日期与身份证号不一致"]


def test_org_staff_import_within_their_county(world):
    data = good_data()
    data.townships = [["150523", "开鲁县", "150523102", "新镇"]]
    data.villages = [["150523102201", "新村", "150523102", "软弱涣散村"]]
    data.units = [["U150523009", "开鲁县教育局", "县", "150523"]]
    data.cadres = data.cadres[:1]
    data.cadres[0][7] = "U150523009"
    data.postings = [[id_number(11), "150523102201", "U150523009", "第一书记", "2026-01-01", "2027-12-31"]]

    result = import_registry(file=data.xlsx(), user=world.county_staff)

    assert result.ok, messages(result)
    assert Village.objects.for_user(world.county_staff).filter(code="150523102201").exists()


def test_an_org_user_of_another_county_cannot_import_rows_into_county_a(world):
    data = good_data()
    data.townships = [["150523", "开鲁县", "150523102", "新镇"]]
    data.villages = [
        ["150523102201", "新村", "150523102", ""],
        [world.v_a1.code, "北堡村改", world.a1.code, ""],
    ]
    data.units = [["U150523009", "开鲁县教育局", "县", "150523"]]
    data.cadres = [[world.cadre_a1.id_number, "改名", "", "", "", "", "", ""]]
    data.postings = [
        [world.cadre_a1.id_number, world.v_a2.code, world.unit_a.code, "工作队员", "2028-01-01", "2028-12-31"]
    ]

    result = import_registry(file=data.xlsx(), user=world.outsider)

    assert not result.ok
    assert messages(result) == [
        "乡镇!A2: 县代码 150523 不在您的管辖范围",
        "村!A2: 县代码 150523 不在您的管辖范围",
        "村!A3: 县代码 150523 不在您的管辖范围",
        "派出单位!A2: 县代码 150523 不在您的管辖范围",
        "干部!A2: 该身份证号的干部已由其他地区登记，不能在此修改；如需选派到本县，只填写“选派”表即可",
        "选派!B2: 县代码 150523 不在您的管辖范围",
    ]
    assert world.v_a1.name == Village.objects.get(pk=world.v_a1.pk).name
    assert not Township.objects.filter(code="150523102").exists()


def test_a_new_county_needs_an_admin(world):
    result = import_registry(file=good_data().xlsx(), user=world.county_staff)

    assert not result.ok
    assert "乡镇!A2: 县代码 150525 不在您的管辖范围" in messages(result)
    assert import_registry(file=good_data().xlsx(), user=world.admin).ok


def test_township_staff_cannot_import(world):
    result = import_registry(file=good_data().xlsx(), user=world.township_a1)

    assert messages(result) == ["只有组织部人员和管理员可以导入名册"]


def test_an_org_user_may_post_a_cadre_of_another_county_into_their_own(world):
    Posting.objects.filter(pk=world.p_b1.pk).update(
        actual_end_date=dt.date(2026, 3, 31), status="TRANSFERRED"
    )
    data = good_data()
    data.townships = data.villages = data.units = data.cadres = []
    data.postings = [
        [world.cadre_b1.id_number, world.v_a2.code, world.unit_a.code, "工作队长", "2026-04-01", "2027-12-31"]
    ]

    result = import_registry(file=data.xlsx(), user=world.county_staff)

    assert result.ok, messages(result)
    assert Posting.objects.filter(cadre=world.cadre_b1, village=world.v_a2).exists()


def test_a_cadre_row_for_a_cadre_registered_elsewhere_is_refused_without_their_data(world):
    """County B's staff cannot rename county A's cadre or move their unit, and learn nothing of them."""
    before = Cadre.objects.filter(pk=world.cadre_a1.pk).values().get()
    data = good_data()
    data.townships = data.villages = []
    data.units = [["U140981009", "原平市教育局", "县", "140981"]]
    data.cadres = [[world.cadre_a1.id_number, "冒名", "13912345678", "", "", "", "", "U140981009"]]
    data.postings = []

    result = import_registry(file=data.xlsx(), user=world.outsider)

    assert not result.ok
    text = " ".join(messages(result))
    assert "干部!A2: 该身份证号的干部已由其他地区登记" in text
    for secret in (world.cadre_a1.name, world.unit_a.name, world.unit_a.code, world.county_a.name, "150523"):
        assert secret not in text
    assert Cadre.objects.filter(pk=world.cadre_a1.pk).values().get() == before
    assert not Cadre.objects.for_user(world.outsider).filter(pk=world.cadre_a1.pk).exists()


def test_an_overlap_with_another_areas_posting_names_only_its_dates(world):
    data = good_data()
    data.townships = data.villages = data.units = data.cadres = []
    start = world.p_b1.start_date.isoformat()
    data.postings = [
        [world.cadre_b1.id_number, world.v_a2.code, world.unit_a.code, "工作队员", start, "2027-12-31"]
    ]

    result = import_registry(file=data.xlsx(), user=world.county_staff)

    assert not result.ok
    text = " ".join(messages(result))
    assert "已有其他地区的选派" in text
    assert world.p_b1.village.name not in text and world.county_b.name not in text
