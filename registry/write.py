"""Writing the registry: what the import will create, update or leave (counted for a dry run
too), and the write itself — all or nothing, in the caller's transaction, through
``core.bulk`` (COPY on PostgreSQL, new ids drawn beforehand; ``UPDATE … FROM (VALUES …)`` for
changed rows). Part of ``registry.importing.RegistryImport``.
"""

from __future__ import annotations

from collections import defaultdict

from cadres.models import Cadre, DispatchingUnit, Posting
from cadres.services import announce_new_postings
from core import bulk, idcard
from registry.parse import (
    COUNTY_KEY,
    SHEET_CADRES,
    SHEET_FENCES,
    SHEET_POSTINGS,
    SHEET_TOWNSHIPS,
    SHEET_UNITS,
    SHEET_VILLAGES,
    _CadreRow,
)
from villages.models import County, Policy, Township, Village, VillageFence, VillageTag

#: The cadre columns the registry sets, in the order ``_write_cadres`` builds them.
CADRE_FIELDS = (
    "id_number",
    "name",
    "name_initials",
    "mobile",
    "education",
    "identity",
    "rank",
    "expertise",
    "home_unit_id",
)
UNIT_FIELDS = ("code", "name", "name_initials", "level", "county_id")


class Writer:
    def _tally(self, key, db, changed: bool):
        if db is None:
            self.counts[key]["created"] += 1
        elif changed:
            self.counts[key]["updated"] += 1
        else:
            self.counts[key]["unchanged"] += 1

    def _count(self):
        for code, (name, _row) in self.county_names.items():
            db = self.db_counties.get(code)
            self._tally(COUNTY_KEY, db, db is not None and db["name"] != name)
        for row in self.townships.values():
            db = self.db_townships.get(row.code)
            self._tally(
                SHEET_TOWNSHIPS,
                db,
                db is not None and (db["name"], db["county__code"]) != (row.name, row.county_code),
            )
        self.db_village_tags: dict[int, dict[str, int]] = defaultdict(dict)
        through = Village.tags.through
        existing_village_ids = [
            self.db_villages[code]["id"] for code in self.villages if code in self.db_villages
        ]
        for link in bulk.fetch(
            lambda keys: through.objects.filter(village_id__in=keys).values(
                "id", "village_id", "villagetag__name"
            ),
            existing_village_ids,
        ):
            self.db_village_tags[link["village_id"]][link["villagetag__name"]] = link["id"]
        for row in self.villages.values():
            db = self.db_villages.get(row.code)
            changed = db is not None and (
                (db["name"], db["township__code"]) != (row.name, row.township_code)
                or set(self.db_village_tags.get(db["id"], {})) != set(row.tags)
            )
            self._tally(SHEET_VILLAGES, db, changed)
        for row in self.units.values():
            db = self.db_units.get(row.code)
            changed = db is not None and (db["name"], db["level"], db["county__code"]) != (
                row.name,
                row.level,
                row.county_code,
            )
            self._tally(SHEET_UNITS, db, changed)
        for row in self.cadres.values():
            db = self.db_cadres.get(row.id_number)
            changed = db is not None and self._cadre_values(db) != self._cadre_values(row)
            self._tally(SHEET_CADRES, db, changed)
        for row in self.postings:
            db = row.existing
            changed = db is not None and (db["unit__code"], db["role"], db["planned_end_date"]) != (
                row.unit_code,
                row.role,
                row.planned_end,
            )
            self._tally(SHEET_POSTINGS, db, changed)
        names = {tag for row in self.villages.values() for tag in row.tags}
        existing = set(
            bulk.fetch(
                lambda keys: VillageTag.objects.filter(name__in=keys).values_list("name", flat=True), names
            )
        )
        self.new_tags = sorted(names - existing)
        self._count_fences()

    @staticmethod
    def _cadre_values(row) -> tuple:
        if isinstance(row, dict):
            return (
                row["name"],
                row["mobile"],
                row["education"],
                row["identity"],
                row["rank"],
                row["expertise"],
                row["home_unit__code"] or "",
            )
        return (row.name, row.mobile, row.education, row.identity, row.rank, row.expertise, row.unit_code)

    def _write(self):
        county_ids = self._write_counties()
        township_ids = self._write_townships(county_ids)
        village_ids = self._write_villages(township_ids)
        unit_ids = self._write_units(county_ids)
        cadre_ids = self._write_cadres(unit_ids)
        self._write_postings(cadre_ids, unit_ids, village_ids)
        self._write_fences()

    @staticmethod
    def _ids(model, field_name, keys) -> dict[str, int]:
        return dict(
            bulk.fetch(
                lambda chunk: model.objects.filter(**{f"{field_name}__in": chunk}).values_list(
                    field_name, "id"
                ),
                keys,
            )
        )

    def _known_ids(self, model, field_name, keys, existing: dict, new_keys: list, new_ids) -> dict[str, int]:
        """Key → id for ``keys``: the rows read before writing plus those just inserted.

        ``new_keys`` are the keys of the inserted rows and ``new_ids`` their ids; when the
        database could not tell those ids they are read back.
        """
        if new_ids is None:
            return self._ids(model, field_name, keys)
        ids = {key: row["id"] for key, row in existing.items()}
        ids.update(zip(new_keys, new_ids, strict=True))
        return ids

    def _write_counties(self) -> dict[str, int]:
        create, update = [], []
        for code, (name, _row) in self.county_names.items():
            db = self.db_counties.get(code)
            if db is None:
                create.append(County(code=code, name=name))
            elif db["name"] != name:
                update.append(County(pk=db["id"], code=code, name=name))
        County.objects.bulk_create(create, batch_size=bulk.BATCH)
        bulk.update(County, update, ["name"])
        codes = set(self.county_names) | {row.county_code for row in self.units.values()}
        county_ids = self._ids(County, "code", codes)
        # Every county named by the file gets its policy, with the defaults, the first time.
        have = set(
            bulk.fetch(
                lambda keys: Policy.objects.filter(county_id__in=keys).values_list("county_id", flat=True),
                county_ids.values(),
            )
        )
        Policy.objects.bulk_create(
            [Policy(county_id=pk) for pk in sorted(set(county_ids.values()) - have)], batch_size=bulk.BATCH
        )
        return county_ids

    def _write_townships(self, county_ids) -> dict[str, int]:
        create, update = [], []
        for row in self.townships.values():
            db = self.db_townships.get(row.code)
            obj = Township(code=row.code, name=row.name, county_id=county_ids[row.county_code])
            if db is None:
                create.append(obj)
            elif (db["name"], db["county__code"]) != (row.name, row.county_code):
                obj.pk = db["id"]
                update.append(obj)
        Township.objects.bulk_create(create, batch_size=bulk.BATCH)
        bulk.update(Township, update, ["name", "county"])
        return self._ids(Township, "code", {row.township_code for row in self.villages.values()})

    def _write_villages(self, township_ids):
        VillageTag.objects.bulk_create(
            [VillageTag(name=name) for name in self.new_tags], batch_size=bulk.BATCH
        )
        tag_names = {tag for row in self.villages.values() for tag in row.tags}
        tag_ids = self._ids(VillageTag, "name", tag_names)
        create, update = [], []
        for row in self.villages.values():
            db = self.db_villages.get(row.code)
            if db is None:
                create.append((row.code, row.name, self.initials(row.name), township_ids[row.township_code]))
            elif (db["name"], db["township__code"]) != (row.name, row.township_code):
                update.append(
                    Village(
                        pk=db["id"],
                        code=row.code,
                        name=row.name,
                        name_initials=self.initials(row.name),
                        township_id=township_ids[row.township_code],
                    )
                )
        new_ids = bulk.create(Village, ("code", "name", "name_initials", "township_id"), create)
        bulk.update(Village, update, ["name", "name_initials", "township"])
        codes = set(self.villages) | {row.village_code for row in self.postings}
        new_codes = [values[0] for values in create]
        village_ids = self._known_ids(Village, "code", codes, self.db_villages, new_codes, new_ids)
        through = Village.tags.through
        stale: list[int] = []
        links = []
        for row in self.villages.values():
            village_id = village_ids[row.code]
            current = self.db_village_tags.get(village_id, {})
            stale.extend(link_id for name, link_id in current.items() if name not in row.tags)
            links.extend((village_id, tag_ids[name]) for name in row.tags if name not in current)
        for chunk in bulk.chunks(stale):
            through.objects.filter(id__in=chunk).delete()
        bulk.create(through, ("village_id", "villagetag_id"), links)
        return village_ids

    def _write_units(self, county_ids) -> dict[str, int]:
        create, update = [], []
        for row in self.units.values():
            db = self.db_units.get(row.code)
            if db is not None and (db["name"], db["level"], db["county__code"]) == (
                row.name,
                row.level,
                row.county_code,
            ):
                continue
            values = (row.code, row.name, self.initials(row.name), row.level, county_ids[row.county_code])
            if db is None:
                create.append(values)
            else:
                update.append(DispatchingUnit(pk=db["id"], **dict(zip(UNIT_FIELDS, values, strict=True))))
        new_ids = bulk.create(DispatchingUnit, UNIT_FIELDS, create)
        bulk.update(DispatchingUnit, update, ["name", "name_initials", "level", "county"])
        codes = {row.unit_code for row in self.cadres.values() if row.unit_code} | {
            row.unit_code for row in self.postings
        }
        new_codes = [values[0] for values in create]
        return self._known_ids(DispatchingUnit, "code", codes, self.db_units, new_codes, new_ids)

    def _write_cadres(self, unit_ids) -> dict[str, int]:
        new, update = [], []
        for row in self.cadres.values():
            db = self.db_cadres.get(row.id_number)
            if db is None:
                new.append(row)
            elif self._cadre_values(db) != self._cadre_values(row):
                values = self._cadre_columns(row, unit_ids)
                update.append(Cadre(pk=db["id"], **dict(zip(CADRE_FIELDS, values, strict=True))))
        # Built while streaming: the server indexes the rows sent while pinyin is worked out.
        create = (
            (
                *self._cadre_columns(row, unit_ids),
                idcard.gender(row.id_number),
                idcard.birth_date(row.id_number),
            )
            for row in new
        )
        new_ids = bulk.create(Cadre, (*CADRE_FIELDS, "gender", "birth_date"), create, count=len(new))
        bulk.update(
            Cadre,
            update,
            ["name", "name_initials", "mobile", "education", "identity", "rank", "expertise", "home_unit"],
        )
        keys = {row.id_number for row in self.postings}
        new_keys = [row.id_number for row in new]
        return self._known_ids(Cadre, "id_number", keys, self.db_cadres, new_keys, new_ids)

    def _cadre_columns(self, row: _CadreRow, unit_ids) -> tuple:
        """The values of ``CADRE_FIELDS`` for a cadre of the file."""
        return (
            row.id_number,
            row.name,
            self.initials(row.name),
            row.mobile,
            row.education,
            row.identity,
            row.rank,
            row.expertise,
            unit_ids[row.unit_code] if row.unit_code else None,
        )

    def _write_postings(self, cadre_ids, unit_ids, village_ids):
        create, update = [], []
        for row in self.postings:
            db = row.existing
            if db is None:
                create.append(
                    (
                        cadre_ids[row.id_number],
                        village_ids[row.village_code],
                        unit_ids[row.unit_code],
                        row.role,
                        row.start,
                        row.planned_end,
                        Posting.Status.ACTIVE.value,
                    )
                )
            elif (db["unit__code"], db["role"], db["planned_end_date"]) != (
                row.unit_code,
                row.role,
                row.planned_end,
            ):
                update.append(
                    Posting(
                        pk=db["id"],
                        unit_id=unit_ids[row.unit_code],
                        role=row.role,
                        planned_end_date=row.planned_end,
                    )
                )
        # Updates first: a posting shortened by this file may make room for one it creates.
        bulk.update(Posting, update, ["unit", "role", "planned_end_date"])
        bulk.create(
            Posting,
            ("cadre_id", "village_id", "unit_id", "role", "start_date", "planned_end_date", "status"),
            create,
        )
        if create:
            # COPY bypasses signals: announce the new postings explicitly (replacements they fulfil).
            county_of = dict(
                Village.objects.filter(pk__in={c[1] for c in create}).values_list("pk", "township__county_id")
            )
            announce_new_postings(county_ids={county_of[c[1]] for c in create})

    def _count_fences(self) -> None:
        self.db_fences: dict[tuple[str, str], dict] = {}
        if not self.fences:
            return
        for fence in bulk.fetch(
            lambda keys: VillageFence.objects.filter(village__code__in=keys).values(
                "id", "village__code", "name", "latitude", "longitude", "radius_m"
            ),
            {row.village_code for row in self.fences},
        ):
            self.db_fences[(fence["village__code"], fence["name"])] = fence
        for row in self.fences:
            db = self.db_fences.get((row.village_code, row.name))
            changed = db is not None and (db["latitude"], db["longitude"], db["radius_m"]) != (
                row.latitude,
                row.longitude,
                row.radius_m,
            )
            self._tally(SHEET_FENCES, db, changed)

    def _write_fences(self) -> None:
        if not self.fences:
            return
        village_ids = self._ids(Village, "code", {row.village_code for row in self.fences})
        create, update = [], []
        for row in self.fences:
            db = self.db_fences.get((row.village_code, row.name))
            values = {"latitude": row.latitude, "longitude": row.longitude, "radius_m": row.radius_m}
            if db is None:
                create.append(VillageFence(village_id=village_ids[row.village_code], name=row.name, **values))
            elif (db["latitude"], db["longitude"], db["radius_m"]) != (
                row.latitude,
                row.longitude,
                row.radius_m,
            ):
                update.append(
                    VillageFence(
                        pk=db["id"], village_id=village_ids[row.village_code], name=row.name, **values
                    )
                )
        VillageFence.objects.bulk_create(create, batch_size=bulk.BATCH)
        bulk.update(VillageFence, update, ["latitude", "longitude", "radius_m"])
