"""Forms of the diary pages. They read and shape input; the rules are in ``diary.services``."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diary.services import MAX_ITEMS_PER_ENTRY, DiaryError, ItemDraft, allowed_dates


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Any number of photos from one ``<input type=file multiple>``; checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultiplePhotoField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def date_choices(today: dt.date) -> list[tuple[str, str]]:
    out = []
    for n, day in enumerate(allowed_dates(today)):
        label = (
            _("今天 %(d)s") % {"d": f"{day.month}月{day.day}日"}
            if n == 0
            else _("补记 %(d)s") % {"d": f"{day.month}月{day.day}日"}
        )
        out.append((day.isoformat(), label))
    return out


class EntryForm(forms.Form):
    # A date, not a choice: a day outside the list reaches the service and gets its clear message.
    date = forms.DateField(label=gettext_lazy("日期"))
    household = forms.CharField(label=gettext_lazy("走访农户/村民"), max_length=64)
    content = forms.CharField(
        label=gettext_lazy("听到的民情"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    photos = MultiplePhotoField(label=gettext_lazy("照片（可选，可多张）"))

    def __init__(self, *args, today: dt.date, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["date"].widget = forms.Select(choices=date_choices(today))
        self.fields["date"].initial = today.isoformat()
        if editing:
            del self.fields["date"]
        self.item_rows: list[dict] = []
        self.items: list[ItemDraft] = []

    def clean(self):
        cleaned = super().clean()
        self.items, self.item_rows, errors = parse_item_rows(self.data)
        for message in errors:
            self.add_error(None, message)
        return cleaned

    def apply(self, error: DiaryError) -> None:
        """Show a service's refusal on the field it names (items go above the form)."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        else:
            for message in error.messages:
                self.add_error(None, message)


def parse_item_rows(data) -> tuple[list[ItemDraft], list[dict], list[str]]:
    """The item rows of the form (``item_description``/``item_responsible``/``item_due`` lists).

    A row left wholly blank is skipped; a half-filled one is an error naming its number.
    Returns the drafts, the rows as typed (to show them again) and the errors.
    """
    getlist = data.getlist if hasattr(data, "getlist") else (lambda k: data.get(k, []))
    descriptions = getlist("item_description")
    responsibles = getlist("item_responsible")
    dues = getlist("item_due")
    count = max(len(descriptions), len(responsibles), len(dues))
    drafts, rows, errors = [], [], []
    for i in range(count):
        desc = (descriptions[i] if i < len(descriptions) else "").strip()
        resp = (responsibles[i] if i < len(responsibles) else "").strip()
        due_text = (dues[i] if i < len(dues) else "").strip()
        if not (desc or resp or due_text):
            continue
        rows.append({"description": desc, "responsible": resp, "due": due_text})
        n = len(rows)
        if n > MAX_ITEMS_PER_ENTRY:
            errors.append(_("一篇日记最多登记 %(n)d 件诉求") % {"n": MAX_ITEMS_PER_ENTRY})
            break
        due = None
        if due_text:
            try:
                due = dt.date.fromisoformat(due_text)
            except ValueError:
                errors.append(_("第 %(n)d 件诉求：办理期限“%(v)s”不是日期") % {"n": n, "v": due_text})
                continue
        if not desc:
            errors.append(_("第 %(n)d 件诉求：请填写诉求内容") % {"n": n})
        elif len(desc) > 2000:
            errors.append(_("第 %(n)d 件诉求：诉求内容过长（最多 2000 字）") % {"n": n})
        if not resp:
            errors.append(_("第 %(n)d 件诉求：请填写责任人") % {"n": n})
        elif len(resp) > 64:
            errors.append(_("第 %(n)d 件诉求：责任人过长（最多 64 字）") % {"n": n})
        drafts.append(ItemDraft(description=desc, responsible=resp, due_date=due))
    return drafts, rows, errors


class CloseItemForm(forms.Form):
    closing_note = forms.CharField(
        label=gettext_lazy("办结情况"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    closed_on = forms.DateField(
        label=gettext_lazy("办结日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def apply(self, error: DiaryError) -> None:
        EntryForm.apply(self, error)
