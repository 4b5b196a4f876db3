"""Who is in a county's quarter (DOMAIN.md §6): the first stage of the ranking SQL, as rows.

The quarter arithmetic itself (points, subtotals, composite, rank, grade) lives in one place, the
set-based SQL of ``appraisal.ranking_sql``; ``quarter_cadres`` runs its first stage.
"""

from __future__ import annotations

from dataclasses import dataclass

from appraisal.ranking_sql import COHORT_OF_ROLE, cadres_in_quarter


@dataclass
class QuarterCadre:
    """A cadre ranked in the county this quarter, from the posting of their last posted day."""

    cadre_id: int
    posting_id: int
    role: str
    township_id: int
    village_id: int
    posted_days: int = 0
    posted_months: int = 0

    @property
    def cohort(self) -> str:
        return COHORT_OF_ROLE[self.role]


def quarter_cadres(*, county_id: int, year: int, quarter: int, cadre_ids=None) -> dict[int, QuarterCadre]:
    """Cadres whose posting on their last posted day of the quarter is in the county (posted days
    added up across all their postings): the first stage of the ranking's SQL, one query."""
    return {
        row["cadre_id"]: QuarterCadre(
            cadre_id=row["cadre_id"],
            posting_id=row["posting_id"],
            role=row["role"],
            township_id=row["township_id"],
            village_id=row["village_id"],
            posted_days=row["posted_days"],
            posted_months=row["posted_months"],
        )
        for row in cadres_in_quarter(county_id=county_id, year=year, quarter=quarter, cadre_ids=cadre_ids)
    }
