"""seed_demo step: inspections with findings, the rules run, and proposals in every state.

County scale only (``scale="province"`` does nothing). For the demo county: three inspections of
the last two months with findings (one 严重, some with deductions), then R1–R5 are run, and some
proposals are moved on — approved, rejected with a reason, issued as numbered notices — including
the 严重 finding's recall issued 12 days ago, so its replacement (due in 7 days) is overdue.
Deterministic for a given ``rng``; running it twice adds nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from cadres.models import Posting
from core import periods
from decisions import rules, workflow
from decisions.models import Decision
from demo.county import demo_county
from inspections.models import Finding, Inspection

INSPECTORS = ("县委组织部 王建国、刘芳", "县纪委监委 赵明", "县委组织部 孙丽、县农业农村局 周涛")
FINDINGS = (
    (Finding.Severity.MINOR, Finding.Handling.EDUCATION, "民情日记记录不全，对账销号不及时", "1.00"),
    (Finding.Severity.MODERATE, Finding.Handling.RECTIFY, "产业发展项目推进缓慢，台账资料缺失", "3.00"),
    (Finding.Severity.MINOR, Finding.Handling.REMINDER, "夜间查岗时不在村，事后补办请假", "2.00"),
    (Finding.Severity.MODERATE, Finding.Handling.CIRCULATE, "未按规定参加村“两委”例会", "2.00"),
)
SERIOUS = (Finding.Severity.SERIOUS, Finding.Handling.RECALL, "暗访发现连续多日不在岗，冒签考勤表", "10.00")


def seed(*, scale, rng, stdout, today: dt.date | None = None) -> None:
    if scale != "county":
        stdout.write("决定：省级规模跳过")
        return
    county = demo_county()
    if county is None:
        return
    if Inspection.objects.filter(county=county).exists():
        stdout.write("决定：演示督查已存在，跳过")
        return
    today = today or periods.today()
    user = get_user_model().objects.filter(username="org").first()
    with transaction.atomic():
        _inspections(county=county, rng=rng, today=today, user=user)
    created = rules.propose_decisions(county=county, today=today)
    counts = _move_through_the_workflow(county=county, rng=rng, today=today, user=user)
    stdout.write(
        f"决定：督查 3 次，提出 {len(created)} 项，签发 {counts['issued']} 项，"
        f"同意 {counts['approved']} 项，驳回 {counts['rejected']} 项"
    )


def _inspections(*, county, rng, today, user) -> None:
    active = list(
        Posting.objects.active_on(today)
        .filter(village__township__county=county)
        .select_related("village")
        .order_by("id")
    )
    if len(active) < 12:
        return
    sample = rng.sample(active, 12)
    kinds = [Inspection.Kind.UNANNOUNCED, Inspection.Kind.SURPRISE, Inspection.Kind.JOINT]
    for i, kind in enumerate(kinds):
        day = today - dt.timedelta(days=20 + 15 * i)
        visited = sample[4 * i : 4 * i + 4]
        inspection = Inspection.objects.create(
            county=county,
            date=day,
            kind=kind,
            inspectors=INSPECTORS[i],
            created_by=user,
            notes="随机抽查驻村干部在岗、住村和工作开展情况。",
        )
        inspection.villages.set({p.village_id for p in visited})
        inspection.cadres.set({p.cadre_id for p in visited})
        for j, posting in enumerate(visited[:3]):
            severity, handling, text, points = (
                SERIOUS if (i == 0 and j == 0) else FINDINGS[(i + j) % len(FINDINGS)]
            )
            Finding.objects.create(
                inspection=inspection,
                cadre_id=posting.cadre_id,
                village_id=posting.village_id,
                severity=severity,
                handling=handling,
                description=text,
                deduction=Decimal(points),
            )


def _move_through_the_workflow(*, county, rng, today, user) -> dict:
    counts = {"issued": 0, "approved": 0, "rejected": 0}
    proposed = Decision.objects.filter(county=county, status=Decision.Status.PROPOSED).order_by("id")

    def issue(d, days_ago):
        # The rules propose everything today; in the demo's story a decision issued N days ago
        # was proposed a few days before that, never after its own issue date.
        Decision.objects.filter(pk=d.pk).update(proposed_on=today - dt.timedelta(days=days_ago + 3))
        workflow.approve(decision=d, user=user, note="经部务会研究同意")
        workflow.issue(decision=d, user=user, decision_date=today - dt.timedelta(days=days_ago))
        counts["issued"] += 1

    # The 严重 finding's recall, issued 12 days ago: its replacement (7 days) is overdue.
    serious = proposed.filter(rule=Decision.Rule.R3).first()
    if serious is not None:
        issue(serious, 12)
    for rule in (Decision.Rule.R2, Decision.Rule.R4):
        items = list(proposed.filter(rule=rule)[:4])
        if items:
            issue(items[0], 5)
        if len(items) > 1:
            workflow.approve(decision=items[1], user=user)
            counts["approved"] += 1
        if len(items) > 2:
            workflow.reject(decision=items[2], user=user, reason="复核后等次有调整")
            counts["rejected"] += 1
    # One attendance recall issued 3 days ago (replacement still within its 7 days), one approved,
    # one rejected; the rest stay proposed for the demo's reviewers. Issued in date order, so the
    # document numbers follow the dates.
    r1 = list(proposed.filter(rule=Decision.Rule.R1))
    rng.shuffle(r1)
    if r1:
        issue(r1.pop(), 3)
    if r1:
        workflow.approve(decision=r1.pop(), user=user)
        counts["approved"] += 1
    if r1:
        workflow.reject(decision=r1.pop(), user=user, reason="该干部当月因公抽调，已补办手续，不予召回")
        counts["rejected"] += 1
    unit = proposed.filter(rule=Decision.Rule.R5).first()
    if unit is not None:
        workflow.approve(decision=unit, user=user)
        counts["approved"] += 1
    return counts
