"""The empty registry workbook users download, fill in and upload (DOMAIN.md §3)."""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from cadres.models import Cadre, DispatchingUnit, Posting
from core.xlsx import append_row, column_letter
from registry.parse import FENCE_HEADERS, HEADERS, SHEET_FENCES, SHEETS
from villages.models import VillageTag

TEMPLATE_FILENAME = "名册导入模板.xlsx"
NOTES_SHEET = "说明"
# Codes and 身份证号 are text: typed into a number cell they lose leading zeros or digits.
TEXT_COLUMNS = {"县代码", "乡镇代码", "村代码", "单位代码", "身份证号", "手机"}
DATE_COLUMNS = {"开始日期", "计划结束日期"}
VALIDATED_ROWS = 5000
WIDTHS = {"身份证号": 22, "单位名称": 28, "标签": 36, "专长": 20, "村名称": 16, "乡镇名称": 14}


def _labels(choices) -> list[str]:
    with translation.override(None):
        return [str(label) for label in choices.labels]


def _choices() -> dict[tuple[str, str], list[str]]:
    return {
        ("派出单位", "级别"): _labels(DispatchingUnit.Level),
        ("干部", "学历"): _labels(Cadre.Education),
        ("干部", "身份"): _labels(Cadre.Identity),
        ("干部", "职级"): _labels(Cadre.Rank),
        ("选派", "职务"): _labels(Posting.Role),
    }


def _notes() -> list[tuple[str, str]]:
    choices = _choices()
    joined = {key[1]: "/".join(values) for key, values in choices.items()}
    return [
        (_("名册导入说明"), ""),
        ("", ""),
        (
            _("工作表"),
            _(
                "本工作簿含“乡镇”“村”“派出单位”“干部”“选派”五张表，表名和第一行表头不要改动；可以增加其他列，导入时忽略。"
            ),
        ),
        (
            _("导入规则"),
            _("整本工作簿一起检查：任何一处错误，整个文件都不写入，并逐条列出错误所在的表、行、列和原因。"),
        ),
        (
            _("更新方式"),
            _("按代码或身份证号更新：已有的记录会被更新，没有的会新增；同一文件导入两次不会产生重复。"),
        ),
        (
            _("选派的唯一性"),
            _("选派按“身份证号 + 村代码 + 开始日期”识别：同一人同一村同一开始日期视为同一条选派。"),
        ),
        ("", ""),
        ("乡镇", _("县代码：6 位数字，如 150523；县名称；乡镇代码：9 位数字，如 150523100；乡镇名称。")),
        (
            "村",
            _(
                "村代码：12 位统计用区划代码，如 150523100201；村名称；乡镇代码：本表“乡镇”或系统中已有的乡镇；"
                "标签：可填多个，用顿号“、”或逗号分隔，如 %(tags)s。"
            )
            % {"tags": "、".join(VillageTag.DEFAULT_TAGS[:3])},
        ),
        (
            "派出单位",
            _("单位代码（最多 32 个字符）；单位名称；级别：%(levels)s；县代码：单位所属的县。")
            % {"levels": joined["级别"]},
        ),
        (
            "干部",
            _(
                "身份证号：18 位，最后一位可以是 X，须通过校验位检查，出生日期和性别由身份证号得出；姓名；"
                "手机：11 位数字；学历：%(education)s；身份：%(identity)s；职级：%(rank)s；"
                "专长：可填多个，用顿号分隔，如 %(expertise)s；单位代码：干部所在单位（可空）。"
            )
            % {
                "education": joined["学历"],
                "identity": joined["身份"],
                "rank": joined["职级"],
                "expertise": "、".join(Cadre.EXPERTISE_CHOICES[:4]),
            },
        ),
        (
            "选派",
            _(
                "身份证号：本表“干部”或系统中已有的干部；村代码；单位代码：派出单位；职务：%(roles)s；"
                "开始日期、计划结束日期：Excel 日期或 YYYY-MM-DD 文本，计划结束日期不得早于开始日期。"
            )
            % {"roles": joined["职务"]},
        ),
        (
            SHEET_FENCES,
            _(
                "可选。村的驻地范围（签到用）：村代码；名称（如 村委会）；纬度、经度：WGS-84 小数度，如 43.601234、"
                "121.301234；半径(米)：50–3000，留空则用本县默认半径。按“村代码 + 名称”更新。"
            ),
        ),
        ("", ""),
        (
            _("选派规则"),
            _(
                "同一干部同一天只能有一个选派；一个村同一天只能有一名第一书记（与本文件和系统中已有的选派都要比较）。"
                "导入的新选派状态为“在岗”。"
            ),
        ),
        (_("管辖范围"), _("组织部人员只能导入本人所辖县的数据，超出范围的行会报错。")),
        (
            _("代码格式"),
            _("代码和身份证号请按文本填写（本模板这些列已设为文本格式），以免丢失前导零或末位数字。"),
        ),
    ]


def registry_template() -> bytes:
    """An empty workbook: the five sheets with their headers (no example rows) and a 说明 sheet."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="F0F1F3")
    choices = _choices()
    headers = {**HEADERS, SHEET_FENCES: FENCE_HEADERS}
    for sheet in (*SHEETS, SHEET_FENCES):
        ws = workbook.create_sheet(sheet)
        append_row(ws, headers[sheet])
        ws.freeze_panes = "A2"
        for index, header in enumerate(headers[sheet]):
            letter = column_letter(index)
            cell = ws.cell(row=1, column=index + 1)
            cell.font = bold
            cell.fill = fill
            ws.column_dimensions[letter].width = WIDTHS.get(header, 14)
            if header in TEXT_COLUMNS:
                ws.column_dimensions[letter].number_format = "@"
            elif header in DATE_COLUMNS:
                ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
            options = choices.get((sheet, header))
            if options:
                validation = DataValidation(
                    type="list",
                    formula1='"' + ",".join(options) + '"',
                    allow_blank=True,
                    showErrorMessage=True,
                )
                validation.error = "请从下拉列表中选择"
                validation.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
                ws.add_data_validation(validation)
    notes = workbook.create_sheet(NOTES_SHEET)
    for topic, text in _notes():
        append_row(notes, [topic, text])
    notes["A1"].font = Font(bold=True, size=14)
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 110
    for row in notes.iter_rows(min_row=2):
        row[0].font = bold
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
