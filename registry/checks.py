"""What the registry's rows mean against each other and the database: every reference to a
township, village, unit or cadre exists (in the file or the database), every row is inside the
user's area, and the postings keep the posting rules (asked of ``cadres.services`` in one batch).
Part of ``registry.importing.RegistryImport``; the database is read once per sheet.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from cadres.models import Cadre, DispatchingUnit, Posting
from cadres.services import CADRE, PostingDraft, validate_postings
from core import bulk
from villages.models import County, Township, Village


class Checker:
    def _load_existing(self):
        township_codes = set(self.townships) | {
            v.township_code for v in self.villages.values() if v.township_code
        }
        village_codes = set(self.villages) | {p.village_code for p in self.postings if p.village_code}
        unit_codes = (
            set(self.units)
            | {c.unit_code for c in self.cadres.values() if c.unit_code}
            | {p.unit_code for p in self.postings if p.unit_code}
        )
        id_numbers = set(self.cadres) | {p.id_number for p in self.postings if p.id_number}

        self.db_townships = {
            row["code"]: row
            for row in bulk.fetch(
                lambda keys: Township.objects.filter(code__in=keys).values(
                    "id", "code", "name", "county__code"
                ),
                township_codes,
            )
        }
        self.db_villages = {
            row["code"]: row
            for row in bulk.fetch(
                lambda keys: Village.objects.filter(code__in=keys).values(
                    "id", "code", "name", "township__code", "township__county__code"
                ),
                village_codes,
            )
        }
        self.db_units = {
            row["code"]: row
            for row in bulk.fetch(
                lambda keys: DispatchingUnit.objects.filter(code__in=keys).values(
                    "id", "code", "name", "level", "county__code"
                ),
                unit_codes,
            )
        }
        self.db_cadres = {
            row["id_number"]: row
            for row in bulk.fetch(
                lambda keys: Cadre.objects.filter(id_number__in=keys).values(
                    "id",
                    "id_number",
                    "name",
                    "mobile",
                    "education",
                    "identity",
                    "rank",
                    "expertise",
                    "home_unit__code",
                ),
                id_numbers,
            )
        }
        county_codes = (
            set(self.county_names)
            | {t.county_code for t in self.townships.values() if t.county_code}
            | {u.county_code for u in self.units.values() if u.county_code}
            | {t["county__code"] for t in self.db_townships.values()}
            | {v["township__county__code"] for v in self.db_villages.values()}
            | {u["county__code"] for u in self.db_units.values()}
        )
        self.db_counties = {
            row["code"]: row
            for row in bulk.fetch(
                lambda keys: County.objects.filter(code__in=keys).values("id", "code", "name"), county_codes
            )
        }

    def _county_in_area(self, county_code: str | None) -> bool:
        if self.area.everything:
            return True
        county = self.db_counties.get(county_code) if county_code else None
        return county is not None and county["id"] in self.area.county_ids

    def _scope(self, rec, header, *county_codes) -> bool:
        """Error unless every given county (the file's and the database's) is in the user's area."""
        for code in dict.fromkeys(c for c in county_codes if c):
            if not self._county_in_area(code):
                self.error(rec, header, _("县代码 %(code)s 不在您的管辖范围") % {"code": code})
                return False
        return True

    def _township_county(self, code: str) -> str | None:
        row = self.townships.get(code)
        if row is not None:
            return row.county_code
        db = self.db_townships.get(code)
        return db["county__code"] if db else None

    def _village_county(self, code: str) -> str | None:
        row = self.villages.get(code)
        if row is not None:
            return self._township_county(row.township_code)
        db = self.db_villages.get(code)
        return db["township__county__code"] if db else None

    def _unit_county(self, code: str) -> str | None:
        row = self.units.get(code)
        if row is not None:
            return row.county_code
        db = self.db_units.get(code)
        return db["county__code"] if db else None

    def _check_townships(self):
        for row in self.townships.values():
            db = self.db_townships.get(row.code)
            self._scope(row.rec, "县代码", row.county_code, db and db["county__code"])

    def _check_villages(self):
        for row in self.villages.values():
            if not row.township_code:
                continue
            if row.township_code not in self.townships and row.township_code not in self.db_townships:
                self.error(
                    row.rec,
                    "乡镇代码",
                    _("乡镇代码 %(code)s 不存在：“乡镇”表和系统中都没有这个乡镇")
                    % {"code": row.township_code},
                )
                continue
            db = self.db_villages.get(row.code)
            self._scope(
                row.rec,
                "村代码",
                self._township_county(row.township_code),
                db and db["township__county__code"],
            )

    def _check_units(self):
        for row in self.units.values():
            if not row.county_code:
                continue
            if row.county_code not in self.county_names and row.county_code not in self.db_counties:
                self.error(
                    row.rec,
                    "县代码",
                    _("县代码 %(code)s 不存在：“乡镇”表和系统中都没有这个县") % {"code": row.county_code},
                )
                continue
            db = self.db_units.get(row.code)
            self._scope(row.rec, "单位代码", row.county_code, db and db["county__code"])

    def _unit_exists(self, code: str) -> bool:
        return code in self.units or code in self.db_units

    def _check_cadres(self):
        visible: set[int] = set()
        if not self.area.everything:
            existing_ids = [row["id"] for key, row in self.db_cadres.items() if key in self.cadres]
            visible = set(
                bulk.fetch(
                    lambda keys: Cadre.objects.for_area(self.area)
                    .filter(id__in=keys)
                    .values_list("id", flat=True),
                    existing_ids,
                )
            )
        for row in self.cadres.values():
            if row.unit_code and not self._unit_exists(row.unit_code):
                self.error(
                    row.rec,
                    "单位代码",
                    _("单位代码 %(code)s 不存在：“派出单位”表和系统中都没有这个单位")
                    % {"code": row.unit_code},
                )
            if self.area.everything:
                continue
            db = self.db_cadres.get(row.id_number)
            if db is None or db["id"] in visible:
                continue
            # A cadre registered in another area is theirs to edit: a 干部 row would rename
            # them or move their unit. To post them here, the file needs only the 选派 row.
            # The message names nothing of the other area (not the cadre's name, unit or county).
            self.error(
                row.rec,
                "身份证号",
                _("该身份证号的干部已由其他地区登记，不能在此修改；如需选派到本县，只填写“选派”表即可"),
            )

    def _check_postings(self):
        for row in self.postings:
            rec = row.rec
            if row.id_number and row.id_number not in self.cadres and row.id_number not in self.db_cadres:
                self.error(
                    rec,
                    "身份证号",
                    _("身份证号 %(value)s 不在“干部”表中，系统中也没有这名干部") % {"value": row.id_number},
                )
                row.valid = False
            if (
                row.village_code
                and row.village_code not in self.villages
                and row.village_code not in self.db_villages
            ):
                self.error(
                    rec,
                    "村代码",
                    _("村代码 %(code)s 不存在：“村”表和系统中都没有这个村") % {"code": row.village_code},
                )
                row.valid = False
            elif row.village_code:
                db = self.db_villages.get(row.village_code)
                if not self._scope(
                    rec, "村代码", self._village_county(row.village_code), db and db["township__county__code"]
                ):
                    row.valid = False
            if row.unit_code and not self._unit_exists(row.unit_code):
                self.error(
                    rec,
                    "单位代码",
                    _("单位代码 %(code)s 不存在：“派出单位”表和系统中都没有这个单位")
                    % {"code": row.unit_code},
                )
                row.valid = False
        self._check_overlaps()

    def _check_overlaps(self):
        """The posting rules (one posting of a cadre a day, one first secretary of a village a day)
        over the file's postings and the database's, asked of ``cadres.services`` in one batch.

        A row with the cadre, village and start date of a stored posting rewrites that posting:
        it keeps the stored actual end, and is not checked against the posting it rewrites.
        """
        valid = [row for row in self.postings if row.valid]
        id_numbers = {row.id_number for row in valid if row.id_number in self.db_cadres}
        stored = bulk.fetch(
            lambda keys: Posting.objects.filter(cadre__id_number__in=keys).values(
                "id",
                "cadre__id_number",
                "village__code",
                "unit__code",
                "role",
                "start_date",
                "planned_end_date",
                "actual_end_date",
            ),
            id_numbers,
        )
        keyed = {(p["cadre__id_number"], p["village__code"], p["start_date"]): p for p in stored}
        drafts = {}
        for row in valid:
            row.existing = keyed.get((row.id_number, row.village_code, row.start))
            actual_end = row.existing and row.existing["actual_end_date"]
            row.end = actual_end or row.planned_end
            cadre = self.db_cadres.get(row.id_number)
            village = self.db_villages.get(row.village_code)
            draft = PostingDraft(
                cadre=row.id_number,
                village=row.village_code,
                role=row.role,
                start=row.start,
                end=row.end,
                cadre_id=cadre and cadre["id"],
                village_id=village and village["id"],
                posting_id=row.existing and row.existing["id"],
                row=row.rec.number,
            )
            drafts[id(draft)] = (draft, row)
        for conflict in validate_postings([d for d, _row in drafts.values()], area=self.area):
            row = drafts[id(conflict.draft)][1]
            header = "开始日期" if conflict.rule == CADRE else "职务"
            self.error(row.rec, header, conflict.message)

    def _check_fences(self) -> None:
        """Every fence's village is in the file or the database, and in the user's area."""
        if not self.fences:
            return
        codes = {row.village_code for row in self.fences if row.village_code}
        unknown = codes - set(self.villages) - set(self.db_villages)
        if unknown:
            for row in bulk.fetch(
                lambda keys: Village.objects.filter(code__in=keys).values(
                    "id", "code", "name", "township__code", "township__county__code"
                ),
                unknown,
            ):
                self.db_villages[row["code"]] = row
                county = row["township__county__code"]
                if county not in self.db_counties:
                    self.db_counties.update(
                        {
                            c["code"]: c
                            for c in County.objects.filter(code=county).values("id", "code", "name")
                        }
                    )
        for row in self.fences:
            if not row.village_code:
                continue
            if row.village_code not in self.villages and row.village_code not in self.db_villages:
                self.error(
                    row.rec,
                    "村代码",
                    _("村代码 %(code)s 不存在：“村”表和系统中都没有这个村") % {"code": row.village_code},
                )
                continue
            db = self.db_villages.get(row.village_code)
            self._scope(
                row.rec, "村代码", self._village_county(row.village_code), db and db["township__county__code"]
            )
