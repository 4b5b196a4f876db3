"""The cadre's diary pages under /me/diary/ (phone first): write, list, edit, close items.

Only a cadre's own account opens them (``own_cadre`` is 404 for staff); every object comes
through the cadre's scoped queryset, so another cadre's entry or item is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.accounts import own_cadre
from core.listing import paginate
from diary import selectors, services
from diary.forms import CloseItemForm, EntryForm
from diary.models import Entry, Item
from diary.views import serve_photo


@login_required
def diary_home(request):
    cadre = own_cadre(request)
    today = timezone.localdate()
    entries = selectors.cadre_entries(Entry.objects.for_user(request.user), cadre_id=cadre.pk)
    return render(
        request,
        "diary/me/home.html",
        {
            "cadre": cadre,
            "today": today,
            "page": paginate(request, entries, per_page=20),
            **selectors.my_items(cadre.pk, today),
        },
    )


@login_required
def entry_new(request):
    cadre = own_cadre(request)
    today = timezone.localdate()
    form = EntryForm(request.POST or None, request.FILES or None, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.write_entry(
                cadre=cadre,
                day=form.cleaned_data["date"],
                household=form.cleaned_data["household"],
                content=form.cleaned_data["content"],
                items=form.items,
                photos=form.cleaned_data["photos"],
                user=request.user,
                today=today,
            )
        except services.DiaryError as exc:
            form.apply(exc)
        else:
            label = _("补记已保存（%(day)s）。") if entry.is_late else _("日记已保存（%(day)s）。")
            messages.success(request, label % {"day": entry.date.isoformat()})
            return redirect("me_diary:entry", pk=entry.pk)
    return render(request, "diary/me/entry_form.html", {"form": form, "today": today, "rows": _rows(form)})


@login_required
def entry_detail(request, pk):
    own_cadre(request)
    entry = get_object_or_404(
        Entry.objects.for_user(request.user)
        .select_related("village__township")
        .prefetch_related("items", "photos"),
        pk=pk,
    )
    return render(
        request,
        "diary/me/entry_detail.html",
        {"entry": entry, "today": timezone.localdate(), "history": selectors.entry_history(entry)},
    )


@login_required
def entry_edit(request, pk):
    own_cadre(request)
    entry = get_object_or_404(Entry.objects.for_user(request.user).select_related("village__township"), pk=pk)
    today = timezone.localdate()
    form = EntryForm(
        request.POST or None,
        request.FILES or None,
        today=today,
        editing=True,
        initial={"household": entry.household, "content": entry.content},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_entry(
                entry=entry,
                household=form.cleaned_data["household"],
                content=form.cleaned_data["content"],
                items=form.items,
                photos=form.cleaned_data["photos"],
                user=request.user,
            )
        except services.DiaryError as exc:
            form.apply(exc)
        else:
            messages.success(request, _("日记已修改，修改前的内容保留在修改记录中。"))
            return redirect("me_diary:entry", pk=entry.pk)
    return render(
        request,
        "diary/me/entry_form.html",
        {"form": form, "entry": entry, "today": today, "rows": _rows(form)},
    )


def _rows(form) -> list[dict]:
    """Item rows to show: what was typed (after an error), else one empty row."""
    return form.item_rows or [{}]


@login_required
def items(request):
    cadre = own_cadre(request)
    today = timezone.localdate()
    return render(request, "diary/me/items.html", {"today": today, **selectors.my_items(cadre.pk, today)})


@login_required
def item_close(request, pk):
    own_cadre(request)
    item = get_object_or_404(Item.objects.for_user(request.user).select_related("entry", "village"), pk=pk)
    today = timezone.localdate()
    form = CloseItemForm(request.POST or None, initial={"closed_on": today})
    if item.status == Item.Status.CLOSED and request.method != "POST":
        messages.info(request, _("该诉求已办结，不能重新打开；如有新情况请另提诉求。"))
        return redirect("me_diary:items")
    if request.method == "POST" and form.is_valid():
        try:
            services.close_item(
                item=item,
                note=form.cleaned_data["closing_note"],
                closed_on=form.cleaned_data["closed_on"],
                user=request.user,
                today=today,
            )
        except services.DiaryError as exc:
            form.apply(exc)
        else:
            messages.success(request, _("已销号：%(d)s") % {"d": item.description[:30]})
            return redirect("me_diary:items")
    return render(request, "diary/me/item_close.html", {"form": form, "item": item, "today": today})


@login_required
def photo(request, pk):
    own_cadre(request)
    return serve_photo(request, pk)
