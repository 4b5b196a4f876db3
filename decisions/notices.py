"""The wording of a decision as a formal notice (title, addressee, body, issuing organ)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from decisions.models import Decision

Kind = Decision.Kind


def issuing_organ(county) -> str:
    """中共<县>委组织部, e.g. 中共开鲁县委组织部."""
    return _("中共%(county)s委组织部") % {"county": county.name}


def _who(d: Decision) -> str:
    if d.cadre_id:
        return _("%(name)s同志") % {"name": d.cadre.name}
    return d.unit.name if d.unit_id else ""


def _where(d: Decision) -> str:
    p = d.posting
    if p is None:
        return ""
    return _("%(unit)s选派到%(township)s%(village)s任%(role)s的") % {
        "unit": p.unit.name,
        "township": p.village.township.name,
        "village": p.village.name,
        "role": p.get_role_display(),
    }


def notice(d: Decision) -> dict:
    """The notice's title, addressee, body and organ. An issued decision's notice is the one frozen
    in its snapshot when it was issued, whatever was renamed since (DOMAIN.md §7)."""
    if d.status == Decision.Status.ISSUED and (d.snapshot or {}).get("notice"):
        return d.snapshot["notice"]
    return _compose(d)


def take_snapshot(d: Decision) -> dict:
    """Everything the notice and the export show, as of now (called by ``issue`` before saving).

    Written in Chinese, the language of the document, whatever the issuing user's language."""
    posting = d.posting
    unit = d.unit if d.unit_id else (posting.unit if posting else None)
    with translation.override("zh-hans"):
        return {
            "subject_name": d.subject_name,
            "id_number": d.cadre.id_number if d.cadre_id else "",
            "unit": unit.name if unit else "",
            "village": posting.village.name if posting else "",
            "township": posting.village.township.name if posting else "",
            "role": str(posting.get_role_display()) if posting else "",
            "basis": d.basis,
            "number": d.number,
            "decision_date": f"{d.decision_date:%Y-%m-%d}" if d.decision_date else "",
            "notice": {k: (list(v) if isinstance(v, list) else str(v)) for k, v in _compose(d).items()},
        }


def _compose(d: Decision) -> dict:
    who = _who(d)
    where = _where(d)
    if d.kind == Kind.RECALL:
        title = _("关于召回%(who)s的决定") % {"who": who}
        action = _(
            "经研究，决定召回%(where)s%(who)s，其驻村工作自本决定签发之日起终止。请派出单位在规定期限内另行选派合适人选。"
        ) % {"where": where, "who": who}
    elif d.kind == Kind.ADJUSTMENT:
        title = _("关于对%(who)s进行组织调整的决定") % {"who": who}
        action = _(
            "经研究，决定对%(where)s%(who)s进行组织调整，召回原单位，其驻村工作自本决定签发之日起终止。请派出单位在规定期限内另行选派合适人选。"
        ) % {"where": where, "who": who}
    elif d.kind == Kind.INTERVIEW:
        by = d.get_interviewer_display() if d.interviewer else _("县委组织部")
        if d.cadre_id:
            title = _("关于约谈%(who)s的决定") % {"who": who}
            action = _("经研究，决定由%(by)s对%(where)s%(who)s进行约谈，督促其认真整改。") % {
                "by": by,
                "where": where,
                "who": who,
            }
        else:
            title = _("关于约谈%(unit)s主要负责同志的决定") % {"unit": who}
            action = _(
                "依照上问一级的规定，经研究，决定由%(by)s对%(unit)s主要负责同志进行约谈，督促其履行选派管理责任。"
            ) % {"by": by, "unit": who}
    elif d.kind == Kind.COMMENDATION:
        title = _("关于通报表扬%(who)s的决定") % {"who": who}
        action = _("经研究，决定对%(where)s%(who)s予以通报表扬。") % {"where": where, "who": who}
    elif d.kind == Kind.ANNUAL_EXCELLENT:
        year = d.period_start.year if d.period_start else ""
        title = _("关于确定%(who)s为%(year)s年度考核优秀等次的决定") % {"who": who, "year": year}
        action = _("经研究，确定%(where)s%(who)s%(year)s年度考核等次为优秀。") % {
            "where": where,
            "who": who,
            "year": year,
        }
    elif d.kind == Kind.PROMOTION:
        title = _("关于将%(who)s列为优先提拔使用人选的决定") % {"who": who}
        action = _("经研究，将%(where)s%(who)s列为优先提拔使用人选。") % {"where": where, "who": who}
    else:
        old = d.revokes
        title = _("关于撤销%(number)s的决定") % {"number": old.number if old else ""}
        action = _("经研究，决定撤销%(number)s。") % {"number": old.number if old else ""}
    if d.revokes_id and d.kind != Kind.REVOCATION:
        action += _("本决定同时撤销%(number)s。") % {"number": d.revokes.number}
    body = [_("依据：%(basis)s。") % {"basis": d.basis.rstrip("。")}, action]
    addressee = d.posting.unit.name if d.posting_id else (d.unit.name if d.unit_id else "")
    return {"title": title, "addressee": addressee, "body": body, "organ": issuing_organ(d.county)}
