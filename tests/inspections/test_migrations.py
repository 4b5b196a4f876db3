"""The move of Inspection and Finding from ``decisions`` (inspections 0001, decisions 0009) is
state only: rows written before it are read after it, from the same tables, and the content
types (so the permissions given on them) move with the models."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from inspections.models import Finding, Inspection

# decisions as it was, and no inspections app yet.
BEFORE = [("decisions", "0008_history_follows_merged_fields"), ("inspections", None)]
MOVED = ("inspection", "finding", "historicalinspection", "historicalfinding")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _labels() -> set[str]:
    return set(ContentType.objects.filter(model__in=MOVED).values_list("app_label", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_finding_recorded_before_the_move_is_read_after_it(world):
    permission = Permission.objects.get(codename="add_finding")
    world.admin.user_permissions.add(permission)
    try:
        executor = _migrate(BEFORE)
        assert _labels() == {"decisions"}
        old = executor.loader.project_state(BEFORE[0]).apps
        OldInspection = old.get_model("decisions", "Inspection")
        OldFinding = old.get_model("decisions", "Finding")
        inspection = OldInspection.objects.create(
            county_id=world.county_a.pk, date=dt.date(2026, 3, 10), kind="UNANNOUNCED", inspectors="王明"
        )
        inspection.villages.add(world.v_a1.pk)
        finding = OldFinding.objects.create(
            inspection=inspection,
            cadre_id=world.cadre_a1.pk,
            village_id=world.v_a1.pk,
            severity="SERIOUS",
            handling="RECALL",
            description="长期不在岗",
            deduction=Decimal("5.00"),
        )
    finally:
        _migrate_to_latest()

    ContentType.objects.clear_cache()
    moved = Finding.objects.select_related("inspection").get(pk=finding.pk)
    assert (moved.description, moved.deduction, moved.cadre_id) == (
        "长期不在岗",
        Decimal("5.00"),
        world.cadre_a1.pk,
    )
    assert list(Inspection.objects.get(pk=inspection.pk).villages.all()) == [world.v_a1]
    assert _labels() == {"inspections"}
    # The same permission row, now under the new label: whoever held it still does.
    assert Permission.objects.get(pk=permission.pk).content_type.app_label == "inspections"
    world.admin.refresh_from_db()
    assert world.admin.user_permissions.filter(pk=permission.pk).exists()
