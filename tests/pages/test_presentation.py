"""Presentation: 身份证号 masked in lists and whole on details; money with separators; periods in words."""

import datetime as dt
from decimal import Decimal

from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from core.idcard import mask
from decisions.models import Decision
from decisions.selectors import period_label
from tests.decisions.factories import issued, proposal
from tests.inspections.factories import FindingFactory, InspectionFactory


def test_mask_keeps_region_and_last_four():
    assert mask("15059919800101907X") == "150599********907X"
    assert mask("") == "" and mask("123") == "123"


def test_id_numbers_are_masked_in_lists_and_whole_on_details(world, client_for, fixed_today):
    client = client_for(world.county_staff)
    full = world.cadre_a1.id_number
    listing = client.get(reverse("cadres:list")).content.decode()
    assert mask(full) in listing and full not in listing
    unit = client.get(reverse("cadres:unit_detail", args=[world.unit_a.pk])).content.decode()
    assert mask(full) in unit and full not in unit
    assert full in client.get(reverse("cadres:detail", args=[world.cadre_a1.pk])).content.decode()
    # The detail is for users of the area only.
    assert (
        client_for(world.outsider).get(reverse("cadres:detail", args=[world.cadre_a1.pk])).status_code == 404
    )


def test_recall_list_masks_and_the_decision_page_shows_in_full(world, client_for):
    recall = issued(world.p_a1, user=world.county_staff, decision_date=dt.date(2026, 3, 10))
    client = client_for(world.county_staff)
    full = world.cadre_a1.id_number
    recalls = client.get(reverse("decisions:recalls"), {"year": 2026}).content.decode()
    assert mask(full) in recalls and full not in recalls
    assert full in client.get(reverse("decisions:detail", args=[recall.pk])).content.decode()


def test_money_has_thousands_separators():
    html = Template("{% load zhucun %}{{ a|money }} {{ b|money }} {{ c|money }}").render(
        Context({"a": Decimal("1196400.00"), "b": Decimal("60"), "c": None})
    )
    assert html == "1,196,400.00 60.00 —"


@translation.override("zh-hans")
def test_evidence_periods_read_as_words(world):
    assert period_label(proposal(world.p_a1, period_key="2026-01~2026-02")) == "2026年1月—2月"
    assert period_label(proposal(world.p_a2, period_key="2026-11")) == "2026年11月"
    assert period_label(proposal(world.p_b1, rule=Decision.Rule.R2, period_key="2026Q1")) == "2026年第1季度"
    inspection = InspectionFactory(county=world.county_a, date=dt.date(2026, 11, 13))
    finding = FindingFactory(inspection=inspection, cadre=world.cadre_a1, village=world.v_a1)
    d = proposal(world.p_a1, rule=Decision.Rule.R3, period_key=f"finding:{finding.pk}")
    d.evidence = {"findings": [{"date": "2026-11-13", "kind": "UNANNOUNCED", "inspection_id": inspection.pk}]}
    assert period_label(d) == "督查 2026-11-13 暗访"


def test_the_decision_page_never_shows_an_internal_key(world, client_for):
    from decisions.rules import propose_decisions
    from inspections.models import Finding

    inspection = InspectionFactory(county=world.county_a, date=dt.date(2026, 3, 13))
    FindingFactory(
        inspection=inspection, cadre=world.cadre_a1, village=world.v_a1, severity=Finding.Severity.SERIOUS
    )
    [d] = propose_decisions(county=world.county_a, today=dt.date(2026, 6, 15))
    html = client_for(world.county_staff).get(reverse("decisions:detail", args=[d.pk])).content.decode()
    assert "督查 2026-03-13 暗访" in html and "finding:" not in html
