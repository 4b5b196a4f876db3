"""Area scoping: the one mechanism every queryset, view, export and command goes through.

A user's *area* is everything (admins), a set of counties (organization staff of a county or
a city), one township (township staff), or one cadre (a cadre's own account: only their own
rows, and only on models whose ``area_q`` names a cadre path). Each scoped model defines ``area_q(area)`` that
turns an area into a ``Q``; ``Model.objects.for_user(user)`` applies it. Views fetch objects
through the scoped queryset, so an object outside the area simply does not exist: 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q


@dataclass(frozen=True)
class Area:
    everything: bool = False
    county_ids: frozenset[int] = field(default_factory=frozenset)
    township_id: int | None = None
    cadre_id: int | None = None

    @property
    def is_township(self) -> bool:
        return not self.everything and self.township_id is not None

    @property
    def is_cadre(self) -> bool:
        return not self.everything and self.cadre_id is not None

    @property
    def is_empty(self) -> bool:
        return (
            not self.everything and not self.county_ids and self.township_id is None and self.cadre_id is None
        )

    def q(self, *, county: str | None = None, township: str | None = None, cadre: str | None = None) -> Q:
        """A Q from field paths to the county id, the township id and the cadre id of a model.

        ``county`` alone serves township staff too when no township path exists (their
        county then is not enough, so they see nothing). A cadre sees a model's rows only
        where it names a ``cadre`` path: every other model is empty for them.
        """
        if self.everything:
            return Q()
        if self.cadre_id is not None:
            return Q(**{cadre: self.cadre_id}) if cadre else Q(pk__in=[])
        if self.township_id is not None:
            if township is None:
                return Q(pk__in=[])
            return Q(**{township: self.township_id})
        if not self.county_ids or county is None:
            return Q(pk__in=[])
        return Q(**{f"{county}__in": sorted(self.county_ids)})


EVERYTHING = Area(everything=True)
NOTHING = Area()


def area_for(user) -> Area:
    """The area a user may see; cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    cached = getattr(user, "_zhucun_area", None)
    if cached is not None:
        return cached
    area = _compute_area(user)
    user._zhucun_area = area
    return area


def _compute_area(user) -> Area:
    if user.is_superuser:
        return EVERYTHING
    from core.models import StaffProfile

    profile = StaffProfile.objects.filter(user=user).first()
    if profile is None:
        return NOTHING
    if profile.role == StaffProfile.Role.ADMIN:
        return EVERYTHING
    if profile.role == StaffProfile.Role.CADRE:
        return Area(cadre_id=profile.cadre_id) if profile.cadre_id else NOTHING
    if profile.role == StaffProfile.Role.TOWNSHIP:
        return Area(township_id=profile.township_id) if profile.township_id else NOTHING
    return Area(county_ids=frozenset(profile.counties.values_list("id", flat=True)))


class ScopedQuerySet(models.QuerySet):
    def for_area(self, area: Area):
        if area.everything:
            return self
        return self.filter(self.model.area_q(area))

    def for_user(self, user):
        return self.for_area(area_for(user))


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)
