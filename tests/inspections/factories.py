"""Inspections and findings, created directly."""

import datetime as dt
from decimal import Decimal

import factory

from inspections.models import Finding, Inspection


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    county = None
    date = dt.date(2026, 3, 10)
    kind = Inspection.Kind.UNANNOUNCED
    inspectors = "县委组织部 王明、李华"


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    inspection = None
    cadre = None
    village = None
    severity = Finding.Severity.MINOR
    handling = Finding.Handling.EDUCATION
    description = "驻村日志记录不全"
    deduction = Decimal("0")
