"""The township-month attendance template (月度考勤表) users download, fill and upload back."""

from __future__ import annotations

import calendar
import datetime as dt
import io

import xlsxwriter
from django.utils.translation import gettext as _

from attendance.marks import DROPDOWN, legend
from cadres.models import Posting
from core.xlsx import column_letter, safe_text
from villages.models import Policy

SHEET = "考勤"
HEADER_ROW = 2  # 0-based: a title row and a legend row above it
FIXED = ["序号", "姓名", "身份证号", "村名称"]


def template_postings(township, month: dt.date):
    """Postings in the township's villages overlapping the month, in village then start order."""
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    return (
        Posting.objects.filter(village__township_id=township.pk)
        .overlapping(month, last)
        .select_related("cadre", "village")
        .order_by("village__code", "start_date", "id")
    )


def template_filename(township, month: dt.date) -> str:
    return f"{township.name}{month:%Y年%m月}驻村干部考勤表.xlsx"


def build_template(*, township, month: dt.date, suggestions: dict | None = None) -> bytes:
    """The workbook: title, legend, frozen header, a row per posting, marks dropdown in every day cell,
    days outside the posting greyed, A4 landscape.

    ``suggestions`` ((cadre id, date) → mark) pre-fills day cells, e.g. from check-ins (DOMAIN §10);
    the title says so and those cells are tinted, so nobody takes them for the township's marks.
    """
    month = month.replace(day=1)
    n_days = calendar.monthrange(month.year, month.month)[1]
    postings = list(template_postings(township, month))
    # The sheet's own 在岗天数 counts what the county's policy counts: 公出 too when it says so.
    # (Read, not created: downloading a template is a GET and writes nothing.)
    policy = Policy.objects.filter(county_id=township.county_id).first() or Policy()
    on_site_marks = ("√", "○", "公") if policy.trip_counts_on_site else ("√", "○")
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(SHEET)
    title_fmt = wb.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
    note_fmt = wb.add_format({"font_size": 9, "font_color": "#555555"})
    head_fmt = wb.add_format(
        {"bold": True, "align": "center", "valign": "vcenter", "border": 1, "bg_color": "#DDEBF7"}
    )
    text_fmt = wb.add_format({"border": 1, "num_format": "@"})
    day_fmt = wb.add_format({"border": 1, "align": "center"})
    grey_fmt = wb.add_format({"border": 1, "align": "center", "bg_color": "#BFBFBF", "pattern": 1})
    weekend_head = wb.add_format({"bold": True, "align": "center", "border": 1, "bg_color": "#FCE4D6"})
    sum_fmt = wb.add_format({"border": 1, "align": "center", "font_color": "#555555"})
    suggested_fmt = wb.add_format(
        {"border": 1, "align": "center", "bg_color": "#FFF2CC", "font_color": "#7F6000"}
    )

    first_day_col = len(FIXED)
    last_col = first_day_col + n_days  # the summary column
    ws.merge_range(
        0,
        0,
        0,
        last_col,
        safe_text(
            _("%(township)s %(year)s年%(month)s月 驻村干部考勤表")
            % {"township": township.name, "year": month.year, "month": month.month}
            + (_("（黄色格为按签到预填的建议，请逐格核对后上报）") if suggestions is not None else "")
        ),
        title_fmt,
    )
    ws.set_row(0, 24)
    legend_text = (
        _("标记：")
        + "  ".join(f"{sym} {meaning}" for sym, meaning in legend())
        + _("。灰色格为不在驻村期内的日期，请留空；上报日期之后的日期请留空。")
    )
    ws.write_string(1, 0, legend_text, note_fmt)

    headers = (
        FIXED + [str(d) for d in range(1, n_days + 1)] + ["在岗天数"]
    )  # a header of the file, Chinese in any UI language
    for c, h in enumerate(headers):
        fmt = head_fmt
        if first_day_col <= c < last_col:
            if month.replace(day=c - first_day_col + 1).weekday() >= 5:
                fmt = weekend_head
            ws.write_number(HEADER_ROW, c, c - first_day_col + 1, fmt)
        else:
            ws.write_string(HEADER_ROW, c, h, fmt)

    for i, p in enumerate(postings):
        r = HEADER_ROW + 1 + i
        ws.write_number(r, 0, i + 1, day_fmt)
        ws.write_string(r, 1, safe_text(p.cadre.name), text_fmt)
        ws.write_string(r, 2, p.cadre.id_number, text_fmt)
        ws.write_string(r, 3, safe_text(p.village.name), text_fmt)
        for d in range(1, n_days + 1):
            day = month.replace(day=d)
            suggested = suggestions.get((p.cadre_id, day)) if suggestions and p.covers(day) else None
            if suggested:
                ws.write_string(r, first_day_col + d - 1, suggested, suggested_fmt)
            else:
                ws.write_blank(r, first_day_col + d - 1, None, day_fmt if p.covers(day) else grey_fmt)
        a = column_letter(first_day_col)
        b = column_letter(last_col - 1)
        formula = "=" + "+".join(f'COUNTIF({a}{r + 1}:{b}{r + 1},"{m}")' for m in on_site_marks)
        ws.write_formula(r, last_col, formula, sum_fmt, 0)
    if postings:
        ws.data_validation(
            HEADER_ROW + 1,
            first_day_col,
            HEADER_ROW + len(postings),
            last_col - 1,
            {
                "validate": "list",
                "source": DROPDOWN,
                "error_title": _("考勤标记"),
                "error_message": _("请从下拉列表中选择：") + " ".join(DROPDOWN),
                "input_title": _("考勤标记"),
                "input_message": " ".join(f"{s}{m}" for s, m in legend()),
                "show_input": False,
            },
        )
    ws.freeze_panes(HEADER_ROW + 1, first_day_col)
    ws.set_column(0, 0, 5)
    ws.set_column(1, 1, 9)
    ws.set_column(2, 2, 20)
    ws.set_column(3, 3, 12)
    ws.set_column(first_day_col, last_col - 1, 3.2)
    ws.set_column(last_col, last_col, 8)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW)
    ws.set_margins(left=0.3, right=0.3, top=0.5, bottom=0.5)

    guide = wb.add_worksheet(_("填写说明"))
    guide.write_string(0, 0, _("标记"), head_fmt)
    guide.write_string(0, 1, _("含义"), head_fmt)
    guide.write_string(0, 2, _("也可填写"), head_fmt)
    aliases = {
        "√": "✓ v V 在岗住村",
        "○": "0 o O 〇 在岗",
        "公": "公出",
        "事": "事假",
        "病": "病假",
        "休": "公休",
        "×": "x X ✗ 缺勤",
    }
    for i, (sym, meaning) in enumerate(legend(), start=1):
        guide.write_string(i, 0, sym)
        guide.write_string(i, 1, meaning)
        guide.write_string(i, 2, aliases.get(sym, ""))
    guide.set_column(0, 0, 8)
    guide.set_column(1, 2, 20)
    wb.close()
    return buf.getvalue()
