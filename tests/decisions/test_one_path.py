"""One path for every effect: the admin gets the page's effects, GET requests never write, and a
refused import writes nothing at all."""

import datetime as dt
import io

import openpyxl
from django.apps import apps
from django.urls import reverse

from appraisal.models import QuarterResult, Scheme
from appraisal.ranking import rank_quarter_and_year
from appraisal.scores import import_scores
from decisions.models import Decision, Replacement
from inspections.models import Finding, Inspection
from tests import factories as f
from tests.decisions.factories import issued
from tests.inspections.factories import InspectionFactory

RECALL_DAY = dt.date(2026, 3, 10)


def test_a_finding_saved_in_the_admin_re_ranks_the_quarter_and_proposes_r3(
    world, client_for, django_capture_on_commit_callbacks
):
    rank_quarter_and_year(county=world.county_a, year=2026, quarter=1)
    before = QuarterResult.objects.get(cadre=world.cadre_a1, year=2026, quarter=1)
    assert before.deduction == 0
    inspection = InspectionFactory(county=world.county_a, date=dt.date(2026, 3, 10))
    client = client_for(world.admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:inspections_finding_add"),
            {
                "inspection": inspection.pk,
                "cadre": world.cadre_a1.pk,
                "village": world.v_a1.pk,
                "severity": "SERIOUS",
                "handling": "RECALL",
                "description": "长期不在岗",
                "deduction": "5",
            },
        )

    assert response.status_code == 302, response.content.decode()[:3000]
    finding = Finding.objects.get()
    after = QuarterResult.objects.get(cadre=world.cadre_a1, year=2026, quarter=1)
    assert after.deduction == 5  # the quarter was ranked again with the finding's 减分
    recall = Decision.objects.get(rule="R3")
    assert (recall.cadre, recall.period_key) == (world.cadre_a1, f"finding:{finding.pk}")

    # Deleting it in the admin withdraws the proposal, like editing it on the page would.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:inspections_finding_delete", args=[finding.pk]), {"post": "yes"})
    recall.refresh_from_db()
    assert recall.status == Decision.Status.WITHDRAWN and recall.withdrawal_reason == "督查发现的问题已删除"


def _row_counts() -> dict[str, int]:
    skip = {"sessions.session"}
    return {
        m._meta.label_lower: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.label_lower not in skip and m._meta.managed
    }


def test_get_requests_write_nothing(world, client_for):
    # A recall whose replacement posting exists (the old list pages fulfilled it on GET), and a
    # year without a scheme (the old score pages opened one on GET).
    recall = issued(world.p_a1, user=world.county_staff, decision_date=RECALL_DAY)
    f.PostingFactory(
        village=world.v_a1, unit=world.unit_a, role="FIRST_SECRETARY", start_date=dt.date(2026, 3, 20)
    )
    Inspection.objects.create(county=world.county_a, date=RECALL_DAY, kind="JOINT", inspectors="王明")
    pages = [
        reverse("dashboard"),
        reverse("decisions:list"),
        reverse("decisions:list") + "?status=WITHDRAWN",
        reverse("decisions:export"),
        reverse("decisions:recalls"),
        reverse("decisions:rewards"),
        reverse("decisions:replacements") + "?show=all",
        reverse("decisions:detail", args=[recall.pk]),
        reverse("decisions:print", args=[recall.pk]),
        reverse("decisions:inspection_list"),
        reverse("appraisal:ranking"),
        reverse("appraisal:annual"),
        reverse("appraisal:scheme_list"),
        reverse("appraisal:score_entry") + "?county=150523&quarter=2026Q1",
        reverse("appraisal:score_template") + "?county=150523&quarter=2026Q1",
        reverse("attendance:template") + f"?township={world.a1.pk}&month=2026-03",
        reverse("attendance:history"),
        reverse("attendance:board"),
        reverse("attendance:monthly_report") + "?month=2026-03",
        reverse("cadres:list"),
        reverse("cadres:detail", args=[world.cadre_a1.pk]),
        reverse("villages:list"),
    ]
    for user in (world.county_staff, world.township_a1):
        client = client_for(user)
        for url in pages:
            before = _row_counts()
            response = client.get(url)
            assert response.status_code in (200, 302, 403, 404), url
            assert _row_counts() == before, url
    assert Replacement.objects.get(decision=recall).status == Replacement.Status.OPEN
    assert not Scheme.objects.filter(county=world.county_a, year=2026).exists()


def test_a_refused_score_import_writes_nothing_not_even_a_scheme(world):
    book = openpyxl.Workbook()
    book.active.append(["身份证号", "姓名", "不存在的指标"])
    book.active.append(["110101199001011234", "某某", "5"])
    data = io.BytesIO()
    book.save(data)
    before = _row_counts()

    result = import_scores(county=world.county_a, year=2026, quarter=1, file=io.BytesIO(data.getvalue()))

    assert not result.ok and result.errors
    assert _row_counts() == before
    assert not Scheme.objects.exists()


def test_a_dry_run_score_import_writes_nothing_either(world):
    book = openpyxl.Workbook()
    book.active.append(["身份证号", "姓名"])
    data = io.BytesIO()
    book.save(data)
    import_scores(county=world.county_a, year=2026, quarter=1, file=io.BytesIO(data.getvalue()), dry_run=True)
    assert not Scheme.objects.exists()
