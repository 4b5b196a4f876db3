import datetime as dt
import io
import random

from django.db.models import F
from django.utils import timezone

from core.scoping import EVERYTHING
from decisions.models import Decision, Replacement
from decisions.selectors import overdue_replacements
from demo import decisions as demo_decisions
from inspections.models import Finding, Inspection
from tests import factories as f
from tests.decisions.factories import report
from villages.models import Village


def _months_before(today, n):
    months, m = [], today.replace(day=1)
    for _ in range(n):
        m = (m - dt.timedelta(days=1)).replace(day=1)
        months.append(m)
    return sorted(months)


def test_demo_step_records_inspections_and_moves_proposals_through_every_state(world):
    f.org_user(world.county_a, username="org")
    today = timezone.localdate()
    postings = [world.p_a1, world.p_a2]
    for i in range(12):
        # Created directly, not by the factory, so the shared factory sequences stay where other tests expect.
        township = world.a1 if i % 2 else world.a2
        village = Village.objects.create(
            township=township, code=f"{township.code}9{i:02d}", name=f"示范{i}村"
        )
        postings.append(
            f.PostingFactory(
                village=village,
                unit=world.unit_a,
                role="TEAM_MEMBER",
                start_date=today - dt.timedelta(days=300),
                planned_end_date=today + dt.timedelta(days=300),
            )
        )
    for posting in postings[2:8]:
        report(posting, [(m, False) for m in _months_before(today, 2)])
    out = io.StringIO()

    demo_decisions.seed(scale="county", rng=random.Random(2026), stdout=out)

    assert Inspection.objects.filter(county=world.county_a).count() == 3
    assert Finding.objects.filter(severity=Finding.Severity.SERIOUS).count() == 1
    statuses = set(Decision.objects.values_list("status", flat=True))
    assert statuses == {"PROPOSED", "APPROVED", "REJECTED", "ISSUED"}
    assert Decision.objects.filter(status="ISSUED", kind="RECALL").count() == 2
    assert len(overdue_replacements(EVERYTHING, today)) == 1
    assert Replacement.objects.count() == 2
    assert "签发 2 项" in out.getvalue()
    # Coherent dates: nothing is issued before it was proposed.
    assert not Decision.objects.filter(status="ISSUED", decision_date__lt=F("proposed_on")).exists()

    before = Decision.objects.count()
    demo_decisions.seed(scale="county", rng=random.Random(2026), stdout=io.StringIO())
    assert Decision.objects.count() == before


def test_demo_step_does_nothing_at_province_scale(world):
    demo_decisions.seed(scale="province", rng=random.Random(1), stdout=io.StringIO())
    assert not Inspection.objects.exists() and not Decision.objects.exists()
