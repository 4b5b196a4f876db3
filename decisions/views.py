"""Decision and replacement pages. Thin: selectors read; rules, workflow and the pipeline write.

Every object comes through the user's scoped queryset (another area's object is 404). Township
staff read their township's decisions; only organization staff and admins act. The inspection
pages live in ``inspections.views`` (their URLs are included in ``decisions/urls.py``).
"""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.history import history_entries
from core.listing import choice_param, int_param, paginate
from core.scoping import area_for
from decisions import bulk, rules, selectors, workflow
from decisions.exports import write_decisions
from decisions.forms import ApproveForm, CorrectionForm, IssueForm, RejectForm
from decisions.models import Decision, IllegalTransition
from decisions.notices import notice
from villages.models import County, Township

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def can_act(user) -> bool:
    """Organization staff and admins decide; township staff only read."""
    area = area_for(user)
    return not area.is_empty and not area.is_township


def _require_act(user):
    if not can_act(user):
        raise PermissionDenied(_("只有组织部人员可以办理决定和督查"))


def _filters(request, params=None) -> dict:
    """The list's filters from the query string, or from ``params`` (the bulk form's POST)."""
    if params is not None:
        request = SimpleNamespace(GET=params)
    return {
        "kind": choice_param(request, "kind", Decision.Kind.choices),
        "status": choice_param(request, "status", Decision.Status.choices),
        "township_id": int_param(request, "township"),
        "rule": choice_param(request, "rule", Decision.Rule.choices),
        "period": request.GET.get("period", "").strip()
        if selectors.period_bounds(request.GET.get("period", ""))
        else "",
        "sort": request.GET.get("sort", "").strip()[:20],
    }


@login_required
def decision_list(request):
    area = area_for(request.user)
    filters = _filters(request)
    qs, before_status = selectors.decision_list(area, **filters)
    return render(
        request,
        "decisions/decision_list.html",
        {
            "page": paginate(request, qs),
            "filters": filters,
            "counts": selectors.status_counts(before_status),
            "kinds": Decision.Kind.choices,
            "statuses": Decision.Status.choices,
            "rules": Decision.Rule.choices,
            "townships": Township.objects.for_user(request.user).order_by("code"),
            "can_act": can_act(request.user),
            "counties": County.objects.for_user(request.user).order_by("code")
            if can_act(request.user)
            else [],
            "export_query": request.GET.urlencode(),
            "proposed_matching": qs.filter(status=Decision.Status.PROPOSED).count()
            if can_act(request.user)
            else 0,
        },
    )


@login_required
@require_POST
def decision_bulk(request):
    """批量审核: approve or reject the ticked proposals, or every proposal matching the filters."""
    _require_act(request.user)
    area = area_for(request.user)
    action = request.POST.get("action", "")
    if action not in (bulk.APPROVE, bulk.REJECT):
        messages.error(request, _("请选择同意或驳回"))
        return redirect("decisions:list")
    if request.POST.get("scope") == "filtered":
        qs, _before = selectors.decision_list(area, **_filters(request, request.POST))
        chosen = list(qs.filter(status=Decision.Status.PROPOSED))
        missing = 0
    else:
        ids = {int(v) for v in request.POST.getlist("ids") if v.isdigit()}
        qs, _before = selectors.decision_list(area)
        chosen = list(qs.filter(pk__in=ids))
        missing = len(ids) - len(chosen)
    if not chosen:
        messages.error(request, _("请先勾选要办理的决定"))
        return redirect(f"{reverse('decisions:list')}?{request.POST.get('back', '')}")
    result = bulk.review(
        decisions=chosen, action=action, user=request.user, note=request.POST.get("note", "")
    )
    return render(
        request,
        "decisions/bulk_result.html",
        {"result": result, "missing": missing, "back": request.POST.get("back", "")},
    )


@login_required
def decision_export(request):
    area = area_for(request.user)
    qs, _before = selectors.decision_list(area, **_filters(request))
    response = HttpResponse(write_decisions(qs.iterator(chunk_size=2000)), content_type=XLSX)
    name = f"decisions-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def decision_detail(request, pk):
    area = area_for(request.user)
    decision = get_object_or_404(selectors.decision_detail(area, pk), pk=pk)
    replacement = getattr(decision, "replacement", None) if decision.is_recall else None
    return render(
        request,
        "decisions/decision_detail.html",
        {
            "decision": decision,
            "evidence": selectors.evidence_items(decision),
            "events": decision.events.all(),
            "corrections": list(decision.revoked_by.all()),
            "revoked_by": next(
                (c for c in decision.revoked_by.all() if c.status == Decision.Status.ISSUED), None
            ),
            "replacement": replacement,
            "can_act": can_act(request.user),
            "approve_form": ApproveForm(),
            "reject_form": RejectForm(),
            "issue_form": IssueForm(),
            "correction_form": CorrectionForm(),
            "today": timezone.localdate(),
            "change_history": history_entries(Decision.history.filter(id=decision.pk)),
        },
    )


@login_required
def decision_print(request, pk):
    area = area_for(request.user)
    decision = get_object_or_404(selectors.decision_detail(area, pk), pk=pk)
    revoked_by = next((c for c in decision.revoked_by.all() if c.status == Decision.Status.ISSUED), None)
    return render(
        request,
        "decisions/decision_print.html",
        {
            "decision": decision,
            "notice": notice(decision),
            "revoked_by": revoked_by,
        },
    )


def _act(request, pk, action):
    _require_act(request.user)
    decision = get_object_or_404(Decision.objects.for_user(request.user), pk=pk)
    try:
        result = action(decision)
    except IllegalTransition as exc:
        messages.error(request, exc.message)
        return redirect("decisions:detail", pk=decision.pk)
    return result


@login_required
@require_POST
def decision_approve(request, pk):
    def run(decision):
        workflow.approve(decision=decision, user=request.user, note=request.POST.get("note", "").strip())
        messages.success(request, _("已同意该决定。"))
        return redirect("decisions:detail", pk=decision.pk)

    return _act(request, pk, run)


@login_required
@require_POST
def decision_reject(request, pk):
    def run(decision):
        form = RejectForm(request.POST)
        if not form.is_valid():
            raise IllegalTransition(_("驳回必须填写理由"))
        workflow.reject(decision=decision, user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("已驳回该决定。"))
        return redirect("decisions:detail", pk=decision.pk)

    return _act(request, pk, run)


@login_required
@require_POST
def decision_issue(request, pk):
    def run(decision):
        form = IssueForm(request.POST)
        if not form.is_valid():
            raise IllegalTransition(_("请填写有效的签发日期"))
        issued = workflow.issue(
            decision=decision, user=request.user, decision_date=form.cleaned_data["decision_date"]
        )
        messages.success(request, _("已签发：%(number)s") % {"number": issued.number})
        return redirect("decisions:detail", pk=decision.pk)

    return _act(request, pk, run)


@login_required
@require_POST
def decision_revoke(request, pk):
    def run(decision):
        form = CorrectionForm(request.POST)
        if not form.is_valid():
            raise IllegalTransition(_("更正必须填写理由"))
        new = workflow.create_correction(
            decision=decision,
            user=request.user,
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("已提出更正决定，签发后原决定即被撤销。"))
        return redirect("decisions:detail", pk=new.pk)

    return _act(request, pk, run)


@login_required
@require_POST
def run_rules(request):
    _require_act(request.user)
    counties = County.objects.for_user(request.user).order_by("code")
    county_id = request.POST.get("county", "")
    if county_id.isdigit():
        counties = counties.filter(pk=int(county_id))
    created = 0
    for county in counties:
        created += len(rules.propose_decisions(county=county))
    messages.success(request, _("规则运行完毕，新提出 %(n)s 项决定。") % {"n": created})
    return redirect("decisions:list")


def _year(request) -> int:
    year = int_param(request, "year")
    return year if year and 2000 <= year <= 2100 else timezone.localdate().year


@login_required
def recall_list(request):
    year = _year(request)
    area = area_for(request.user)
    return render(
        request,
        "decisions/recall_list.html",
        {
            "year": year,
            "years": range(timezone.localdate().year + 1, timezone.localdate().year - 5, -1),
            "decisions": selectors.issued_in_year(area, year, Decision.RECALL_KINDS).select_related(
                "replacement"
            ),
            "today": timezone.localdate(),
        },
    )


@login_required
def reward_list(request):
    year = _year(request)
    area = area_for(request.user)
    issued = list(selectors.issued_in_year(area, year, Decision.REWARD_KINDS))
    groups = [
        {"kind": kind, "label": label, "decisions": [d for d in issued if d.kind == kind]}
        for kind, label in Decision.Kind.choices
        if kind in Decision.REWARD_KINDS
    ]
    groups.sort(key=lambda g: Decision.REWARD_KINDS.index(g["kind"]))
    return render(
        request,
        "decisions/reward_list.html",
        {
            "year": year,
            "years": range(timezone.localdate().year + 1, timezone.localdate().year - 5, -1),
            "groups": groups,
        },
    )


@login_required
def replacement_list(request):
    area = area_for(request.user)
    today = timezone.localdate()
    show = choice_param(request, "show", [("overdue", ""), ("open", ""), ("all", "")]) or "overdue"
    qs = selectors.replacements_for(area).order_by("due_date", "id")
    if show == "overdue":
        qs = qs.filter(status="OPEN", due_date__lt=today)
    elif show == "open":
        qs = qs.filter(status="OPEN")
    return render(
        request,
        "decisions/replacement_list.html",
        {
            "page": paginate(request, qs),
            "show": show,
            "today": today,
            "overdue_count": selectors.overdue_replacements(area, today).count(),
        },
    )
