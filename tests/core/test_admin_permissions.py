"""Scoped staff in the admin, on every registered model: even holding every model permission,
they add, change and delete only what is theirs, and never what only services or system staff set."""

import datetime as dt
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.urls import reverse

from appraisal.models import AnnualResult, DemocraticRate, Indicator, QuarterResult, Scheme, Score
from attendance.models import AttendanceRecord, AttendanceUpload, LeaveRequest, MonthlyTotal, ReportReminder
from cadres.models import Cadre, DispatchingUnit, Posting
from checkins.models import CheckIn
from core.models import ImportBatch, JobRun, StaffProfile, TaskFailure
from decisions.models import Decision, Replacement
from diary.models import Entry, EntryPhoto, Item
from inspections.models import Finding, Inspection
from tests.appraisal.factories import small_scheme
from tests.decisions.factories import (
    accepted_upload,
    annual_result,
    monthly_total,
    proposal,
    quarter_result,
)
from tests.inspections.factories import FindingFactory, InspectionFactory
from villages.models import County, Policy, Township, Village, VillageFence, VillageTag

pytestmark = pytest.mark.django_db
MONTH = dt.date(2026, 3, 1)

#: Models nobody adds in the admin: they come from uploads, jobs, the workflow or system staff.
NO_ADD = {
    County,
    VillageTag,
    Group,
    AttendanceUpload,
    AttendanceRecord,
    MonthlyTotal,
    QuarterResult,
    AnnualResult,
    Decision,
    Replacement,
    ReportReminder,
    CheckIn,
    Entry,
    Item,
    EntryPhoto,
    TaskFailure,
    ImportBatch,
    JobRun,
}
#: Models only system staff see at all (a failed task or an import batch may span counties).
SYSTEM_ONLY = {TaskFailure, ImportBatch, JobRun}


def _objects_of(world, posting, county, unit, user):
    """One object of every registered model in the area of ``posting`` / ``county``."""
    township, village, cadre = posting.village.township, posting.village, posting.cadre
    scheme = small_scheme(county)
    indicator = scheme.indicators.first()
    upload = accepted_upload(township, MONTH)
    decision = proposal(posting)
    return {
        County: county,
        VillageTag: VillageTag.objects.get_or_create(name="软弱涣散村")[0],
        Group: Group.objects.get_or_create(name="乡镇考勤员")[0],
        Township: township,
        Village: village,
        Policy: Policy.for_county(county),
        DispatchingUnit: unit,
        Cadre: cadre,
        Posting: posting,
        StaffProfile: StaffProfile.objects.get(user=user),
        get_user_model(): user,
        AttendanceUpload: upload,
        AttendanceRecord: AttendanceRecord.objects.create(
            posting=posting,
            cadre=cadre,
            township=township,
            month=MONTH,
            date=MONTH,
            status="ON_SITE",
            upload=upload,
        ),
        LeaveRequest: LeaveRequest.objects.create(
            posting=posting, cadre=cadre, kind="PERSONAL", start_date=MONTH, end_date=MONTH, reason="家事"
        ),
        MonthlyTotal: monthly_total(posting, MONTH, compliant=True),
        Scheme: scheme,
        Indicator: indicator,
        Score: Score.objects.create(
            county=county, cadre=cadre, year=2026, quarter=1, indicator=indicator, points=Decimal("1")
        ),
        DemocraticRate: DemocraticRate.objects.create(
            county=county, cadre=cadre, year=2026, quarter=1, rate=Decimal("90")
        ),
        QuarterResult: quarter_result(posting, 2026, 1, "GOOD"),
        AnnualResult: annual_result(posting, 2026, "GOOD"),
        Inspection: (inspection := InspectionFactory(county=county)),
        Finding: FindingFactory(inspection=inspection, village=village, cadre=cadre),
        Decision: decision,
        Replacement: Replacement.objects.create(
            decision=decision,
            county=county,
            township=township,
            village=village,
            unit=unit,
            role=posting.role,
            recalled_posting=posting,
            opened_on=MONTH,
            due_date=MONTH + dt.timedelta(days=30),
        ),
        VillageFence: VillageFence.objects.create(
            village=village, name="村部", latitude=43.6, longitude=121.3
        ),
        ReportReminder: ReportReminder.objects.create(township=township, month=MONTH, sent_by=user),
        CheckIn: CheckIn.objects.create(
            cadre=cadre,
            posting=posting,
            at=dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC),
            day=MONTH,
            slot="AM",
            latitude=43.6,
            longitude=121.3,
            accuracy_m=10,
            source="IMPORT",
            valid=True,
        ),
        Entry: (
            entry := Entry.objects.create(
                cadre=cadre, posting=posting, village=village, date=MONTH, household="王大爷", content="修路"
            )
        ),
        Item: Item.objects.create(
            entry=entry,
            cadre=cadre,
            village=village,
            raised_on=MONTH,
            description="修路",
            responsible="村委会",
            due_date=MONTH + dt.timedelta(days=30),
        ),
        EntryPhoto: EntryPhoto.objects.create(entry=entry, image="diary/x.jpg", width=1, height=1, size=1),
        TaskFailure: TaskFailure.objects.create(task_name=f"t{county.pk}", error="失败"),
        ImportBatch: ImportBatch.objects.create(kind="registry", user=user),
        JobRun: JobRun.objects.create(
            task_name=f"t{county.pk}", last_success_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
        ),
    }


@pytest.fixture
def staff_a(world):
    """County A's organization staff with the admin and every model permission there is."""
    user = world.county_staff
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.all())
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def objects(world):
    theirs = _objects_of(world, world.p_b1, world.county_b, world.unit_b, world.outsider)
    ours = _objects_of(world, world.p_a1, world.county_a, world.unit_a, world.county_staff)
    return ours, theirs


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


AXES = (AccessAttempt, AccessLog, AccessFailureLog)
MODELS = [m for m in admin.site._registry if m not in AXES]


def test_every_registered_model_is_covered(objects):
    ours, _theirs = objects
    assert set(MODELS) <= set(ours)


@pytest.mark.parametrize("model", AXES, ids=lambda m: m.__name__)
def test_scoped_staff_cannot_see_or_lift_login_lockouts(staff_a, world, model):
    model_admin = admin.site._registry[model]
    request = _request(staff_a)
    assert not model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.has_view_permission(_request(world.admin))


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_scoped_staff_cannot_change_or_delete_another_areas_object(staff_a, objects, model):
    _ours, theirs = objects
    model_admin = admin.site._registry[model]
    request = _request(staff_a)
    obj = theirs[model]
    assert not model_admin.has_change_permission(request, obj)
    assert not model_admin.has_delete_permission(request, obj)
    if model in SYSTEM_ONLY:
        assert not model_admin.has_view_permission(request, obj)
    elif model not in (VillageTag, Group):  # shared by every county: visible, not editable
        assert not model_admin.get_queryset(request).filter(pk=obj.pk).exists()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_scoped_staff_add_only_what_is_not_made_by_a_service(staff_a, objects, model):
    model_admin = admin.site._registry[model]
    assert model_admin.has_add_permission(_request(staff_a)) is (model not in NO_ADD)


def test_scoped_staff_cannot_create_a_county_or_rename_a_shared_tag(world, client_for, staff_a):
    client = client_for(staff_a)
    assert client.get(reverse("admin:villages_county_add")).status_code == 403
    tag = VillageTag.objects.get_or_create(name="软弱涣散村")[0]
    response = client.post(
        reverse("admin:villages_villagetag_change", args=[tag.pk]), {"name": "=HYPERLINK(1)"}
    )
    assert response.status_code == 403
    assert VillageTag.objects.get(pk=tag.pk).name == "软弱涣散村"
    county = world.county_a
    response = client.post(
        reverse("admin:villages_county_change", args=[county.pk]), {"code": "150523", "name": "改名县"}
    )
    assert response.status_code == 403
    assert County.objects.get(pk=county.pk).name == county.name


def test_scoped_staff_cannot_approve_leave_by_hand_or_name_an_approver(world, client_for, staff_a):
    leave = LeaveRequest.objects.create(
        posting=world.p_a1,
        cadre=world.cadre_a1,
        kind="PERSONAL",
        start_date=MONTH,
        end_date=MONTH,
        reason="家事",
    )
    form = (
        client_for(staff_a)
        .get(reverse("admin:attendance_leaverequest_change", args=[leave.pk]))
        .context["adminform"]
    )
    assert {"status", "county_decided_by", "township_decided_by", "county_decided_at"} <= set(
        form.readonly_fields
    )
    client_for(staff_a).post(
        reverse("admin:attendance_leaverequest_change", args=[leave.pk]),
        {
            "posting": world.p_a1.pk,
            "cadre": world.cadre_a1.pk,
            "kind": "PERSONAL",
            "start_date": "2026-03-01",
            "end_date": "2026-03-01",
            "reason": "家事",
            "status": "APPROVED",
            "county_decided_by": world.outsider.pk,
        },
    )
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.PENDING and leave.county_decided_by is None


def test_nobody_adds_attendance_records_or_deletes_monthly_totals_in_the_admin(world, client_for, staff_a):
    total = monthly_total(world.p_a1, MONTH, compliant=True)
    for user in (staff_a, world.admin):
        client = client_for(user)
        assert client.get(reverse("admin:attendance_attendancerecord_add")).status_code == 403
        assert (
            client.post(
                reverse("admin:attendance_monthlytotal_delete", args=[total.pk]), {"post": "yes"}
            ).status_code
            == 403
        )
    assert MonthlyTotal.objects.filter(pk=total.pk).exists()


def test_scoped_staff_cannot_make_anyone_a_superuser(world, client_for, staff_a):
    form = client_for(staff_a).get(reverse("admin:auth_user_change", args=[staff_a.pk])).context["adminform"]
    assert {"is_superuser", "groups", "user_permissions"} <= set(form.readonly_fields)
