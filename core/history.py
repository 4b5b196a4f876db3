"""Who did what (DOMAIN.md §12): the path of a change, import batches and the 变更记录 panel.

Hand-edited models carry ``simple_history``'s ``HistoricalRecords``: every save and delete writes a
historical row with the values, the user (``HistoryRequestMiddleware``) and, in
``history_change_reason``, the path the change came through — 页面 (a page), 后台 (the admin),
导入 (an import) or 命令 (a management command). Bulk writers (COPY, ``bulk_update``) bypass
model signals; they record an ``ImportBatch`` with who, when, which file, the counts and each
changed row's before and after.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from decimal import Decimal

from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.signals import pre_create_historical_record

PAGE, ADMIN, IMPORT, COMMAND = "页面", "后台", "导入", "命令"

_path: contextvars.ContextVar[str] = contextvars.ContextVar("history_path", default="")
_batch: contextvars.ContextVar[list | None] = contextvars.ContextVar("history_batch", default=None)


@contextlib.contextmanager
def change_path(path: str):
    """Every history row written inside is marked with ``path`` (an import inside a page is 导入)."""
    token = _path.set(path)
    try:
        yield
    finally:
        _path.reset(token)


def current_path() -> str:
    return _path.get()


class HistoryPathMiddleware:
    """Marks changes made while serving a request: 后台 under the admin, 页面 elsewhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = ADMIN if request.path.startswith("/admin/") else PAGE
        with change_path(path):
            return self.get_response(request)


@receiver(pre_create_historical_record)
def _mark_path(sender, history_instance, **kwargs):
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = current_path() or COMMAND


# ----------------------------------------------------------------------------------- bulk batches


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime, Decimal)):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


@contextlib.contextmanager
def collecting_changes():
    """Collect the per-row before/after that bulk writers report with ``record_bulk_changes``."""
    changes: list = []
    token = _batch.set(changes)
    try:
        yield changes
    finally:
        _batch.reset(token)


def record_bulk_changes(model, objs, fields) -> None:
    """Before ``bulk_update(objs, fields)``: note each row whose values change (nothing outside a
    ``collecting_changes`` block)."""
    changes = _batch.get()
    if changes is None or not objs:
        return
    names = [model._meta.get_field(f).attname for f in fields]
    stored = {
        row["pk"]: row for row in model.objects.filter(pk__in=[o.pk for o in objs]).values("pk", *names)
    }
    for obj in objs:
        old = stored.get(obj.pk)
        if old is None:
            continue
        before = {n: _plain(old[n]) for n in names if old[n] != getattr(obj, n)}
        if before:
            after = {n: _plain(getattr(obj, n)) for n in before}
            changes.append(
                {
                    "model": model._meta.label_lower,
                    "pk": obj.pk,
                    "object": f"{model._meta.verbose_name} #{obj.pk}",
                    "before": before,
                    "after": after,
                }
            )


def record_batch(*, kind: str, user=None, file_name: str = "", counts: dict | None = None, changes=()):
    """Store one import batch: who, when, which file, the counts and the changed rows."""
    from core.models import ImportBatch

    return ImportBatch.objects.create(
        kind=kind,
        user=user if getattr(user, "is_authenticated", False) else None,
        path=current_path() or COMMAND,
        file_name=(file_name or "")[:255],
        counts=counts or {},
        changes=list(changes),
    )


# ----------------------------------------------------------------------------------- the 变更记录 panel

HISTORY_TYPES = {"+": _("新建"), "~": _("修改"), "-": _("删除")}


def history_entries(*querysets, limit: int = 50) -> list[dict]:
    """Rows for the 变更记录 panel from historical-record querysets (newest first, merged): when,
    who, which path, what kind of change and, for a change, each field's value before and after."""
    records = []
    for records_qs in querysets:
        records.extend(
            records_qs.select_related("history_user__staff_profile__township").order_by(
                "-history_date", "-history_id"
            )[:limit]
        )
    records.sort(key=lambda r: r.history_date, reverse=True)
    entries = []
    for record in records[:limit]:
        changes = []
        previous = record.prev_record if record.history_type == "~" else None
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = record.instance_type._meta.get_field(change.field)
                if field.many_to_many:
                    old, new = _related_names(field, change.old), _related_names(field, change.new)
                else:
                    old, new = change.old, change.new
                changes.append((field.verbose_name, _shown(old), _shown(new)))
            if not changes:
                continue  # saved without a change
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "path": record.history_change_reason or "",
                "type": HISTORY_TYPES.get(record.history_type, record.history_type),
                "model": record.instance_type._meta.verbose_name,
                "object": str(record.instance) if record.history_type != "-" else f"#{record.id}",
                "changes": changes,
            }
        )
    return entries


def _related_names(field, rows) -> list[str]:
    """A many-to-many change lists through-rows (``{"staffprofile": 1, "county": 2}``): show the
    related objects by name, in a stable order."""
    target = field.related_model
    key = target._meta.model_name
    ids = [row.get(key) for row in rows or () if isinstance(row, dict)]
    names = {o.pk: str(o) for o in target._default_manager.filter(pk__in=[i for i in ids if i is not None])}
    return sorted(names.get(i, f"#{i}") for i in ids)


def _shown(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    return value
