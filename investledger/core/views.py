"""Generic page machinery shared by the domain apps: scoped lookups, filtered lists and audited edits.

Every page starts from `Model.objects.visible_to(request.user, action)`. The two answers to a
forbidden request are kept apart on purpose: an object the user may not see is not found (404, so
ids cannot be probed); an action the user may not take on an object they can see is forbidden (403).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from investledger.core import access, audit
from investledger.core.forms import add_validation_error, style_filters
from investledger.core.templatetags.ledger import money
from investledger.core.versions import EditConflict, changed_since

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links to; the icon is a static file. The address
    is resolved per request, since the manifest of hashed static names exists only after collectstatic."""
    return HttpResponsePermanentRedirect(static("investledger/favicon.svg"))


def get_visible_or_404(queryset, user, pk, action: str = access.Action.VIEW):
    """The object with `pk` if the user may see it (else 404) and may `action` it (else 403)."""
    obj = get_object_or_404(queryset.visible_to(user, access.Action.VIEW), pk=pk)
    if action != access.Action.VIEW:
        if not access.can(user, action) or not queryset.visible_to(user, action).filter(pk=obj.pk).exists():
            raise PermissionDenied
    return obj


def allowed(queryset, user, obj, action: str) -> bool:
    """Whether to offer `action` on a visible object: the role allows it and the object is in scope for it."""
    return access.can(user, action) and queryset.visible_to(user, action).filter(pk=obj.pk).exists()


def require(user, action: str) -> None:
    if not access.can(user, action):
        raise PermissionDenied


def posted(request):
    """What a page's form is bound to: the data of a POST (even an empty one), None for a GET."""
    return request.POST if request.method == "POST" else None


def submit(request, form, write, *, then, success="", conflict="", rename=None, unplaced=None):
    """The shape every page that writes shares: a valid form goes to the service, a refusal back on the form.

    `write(data)` calls the service with the form's cleaned data. When it succeeds, `success` (a text, or
    a function of what `write` returned) is shown on the next page and the answer redirects to `then`
    (an address, or a function of what `write` returned). When the record changed since the form was
    opened (`EditConflict`), `conflict` (a text, or a function giving it) goes above the form; a
    `ValidationError` goes on the fields it names (`rename`, `unplaced`: see `add_validation_error`).
    Answers None when the form is to be shown again: unbound, invalid or refused.
    """
    if not form.is_valid():
        return None
    try:
        result = write(form.cleaned_data)
    except EditConflict:
        form.add_error(None, conflict() if callable(conflict) else conflict)
        return None
    except ValidationError as exc:
        add_validation_error(form, exc, rename=rename, unplaced=unplaced)
        return None
    text = success(result) if callable(success) else success
    if text:
        messages.success(request, text)
    return redirect(then(result) if callable(then) else then)


def changed_at(updated: dt.datetime) -> str:
    """When a record was last saved, as an edit conflict says it: the time today, else the date and time."""
    changed = timezone.localtime(updated)
    if changed.date() == timezone.localdate():  # real time: `updated` is the row's own wall-clock stamp
        return date_format(changed, "H:i")
    return date_format(changed, "Y-m-d H:i")


def _shown(obj, field) -> str:
    """A field's value as a reader knows it, short."""
    if field.many_to_many:
        value: Any = ", ".join(str(o) for o in getattr(obj, field.name).all()[:5])
    elif field.choices:
        value = getattr(obj, f"get_{field.name}_display")()
    else:
        value = getattr(obj, field.name)
    if value is None or value == "":
        return _("empty")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _raw(form, name: str, value):
    """What the form's field would be bound to, to show `value` (a model value) in it."""
    prepared = form.fields[name].prepare_value(value.pk if isinstance(value, models.Model) else value)
    if isinstance(prepared, bool):
        return "true" if prepared else "false"
    return "" if prepared is None else prepared


def kept_on_conflict(form, instance) -> Callable[[], str]:
    """The `conflict` of `submit` for a ModelForm edit of a versioned record that someone saved meanwhile.

    The message says who saved it, when, and each field they changed with its value now (read from the
    audit entries of the versions after the one the form was opened on, `form.cleaned_data["version"]`).
    Nothing is lost: a field they changed and this editor left as it was takes their value on the form;
    a field both changed keeps what this editor typed, and the message says so; every other field keeps
    what was typed. The form's hidden `version` moves on to the one on file, so saving again is accepted
    (a third edit meanwhile is refused again).
    """

    def message() -> str:
        model = type(instance)
        current = model._default_manager.get(pk=instance.pk)
        read = form.cleaned_data.get("version") or 0
        entries = audit.entries_since(current, read)
        at_read: dict = {}
        for entry in entries:
            for name, (before, _after) in audit.changes_of(entry).items():
                at_read.setdefault(name, before)
        typed = audit.snapshot(instance)  # the ModelForm set what was typed on its instance
        data = form.data.copy()
        data[form.add_prefix("version")] = str(current.version)
        changed, clashes = changed_since(current, read), []
        for field in changed:
            if field.name not in form.fields:
                continue  # not on this form: saving it leaves their value as it is
            if field.many_to_many or typed.get(field.attname) != at_read.get(field.attname):
                clashes.append(field)
            else:
                data[form.add_prefix(field.name)] = _raw(form, field.name, getattr(current, field.name))
        form.data = data
        names = sorted({e.actor.get_full_name() or e.actor_name if e.actor else "" for e in entries} - {""})
        what = {
            "who": ", ".join(names) or _("Someone else"),
            "what": model._meta.verbose_name,
            "time": changed_at(current.updated),
        }
        if not changed:
            return (
                _("%(who)s saved this %(what)s at %(time)s. What you typed is kept below: save again to keep it.")
                % what
            )
        fields = "; ".join(
            _("%(field)s (now “%(value)s”)") % {"field": field.verbose_name, "value": _shown(current, field)}
            for field in changed
        )
        text = [_("%(who)s saved this %(what)s at %(time)s and changed: %(fields)s.") % {**what, "fields": fields}]
        if len(clashes) < len(changed):
            text.append(_("Their values are now on the form, beside what you typed: check it and save again."))
        if clashes:
            text.append(
                _("You changed %(fields)s too: your value is kept below; save again to keep it instead of theirs.")
                % {"fields": ", ".join(str(field.verbose_name) for field in clashes)}
            )
        return ("" if (get_language() or "").startswith("zh") else " ").join(text)  # Chinese runs on unspaced

    return message


def record_form_page(
    request, form_class, *, write, success, then, template: str, name: str, instance=None, **form_kwargs
):
    """The page that creates (no `instance`) or edits a record through its service, the whole of it.

    The form (`form_class(data, instance=..., user=..., **form_kwargs)`) goes through `submit`:
    `write(form, data)` calls the service; `success` and `then` are as `submit` takes them; an edit made
    on an older version is refused with `kept_on_conflict`. Otherwise `template` is rendered with the
    form, `creating`, and the record as stored under `name` (the form set what was typed on `instance`).
    """
    form = form_class(posted(request), instance=instance, user=request.user, **form_kwargs)
    done = submit(
        request,
        form,
        lambda data: write(form, data),
        success=success,
        then=then,
        conflict=kept_on_conflict(form, instance) if instance is not None else "",
    )
    if done:
        return done
    context = {"form": form, "creating": instance is None}
    if instance is not None:
        context[name] = type(instance)._default_manager.get(pk=instance.pk)
    return render(request, template, context)


def page_size_from(request) -> int:
    try:
        size = int(request.GET.get("page_size", DEFAULT_PAGE_SIZE))
    except (TypeError, ValueError):
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def paginate(request, queryset, per_page: int, count: int | None = None):
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # already counted with the totals: spare the second COUNT(*)
    number = request.GET.get("page") or 1
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def paginate_by_ids(request, queryset, per_page: int):
    """`paginate` for a list sorted through joined tables: the database sorts the matching ids alone (at
    10,000 opportunities 50 ms, against 390 ms sorting whole joined rows), then the page's rows are read
    by id, in the page's order, with the queryset's related rows."""
    page = paginate(request, queryset.values_list("pk", flat=True), per_page)
    ids = list(page.object_list)
    rows = queryset.order_by().in_bulk(ids)
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


def ordered(queryset, tiebreak: str = "-pk"):
    """The list's order: the chosen sort (or the model's), then `tiebreak` so that equal rows keep a stable order."""
    order = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    return queryset.order_by(*order, tiebreak)


class ObjectListView(LoginRequiredMixin, TemplateView):
    """A filtered, sorted, paginated list of what the user may see.

    Subclasses set `queryset`, `filterset_class`, `template_name` and `partial_template_name` (the
    htmx fragment holding the table, swapped when the filters change). The full page is always
    served to plain requests and to htmx history restores, so the page works without JavaScript.
    """

    queryset: Any = None  # a queryset whose manager has visible_to (the access rule)
    filterset_class: Any = None
    partial_template_name: str | None = None
    table_id = "object-table"
    tiebreak = "-pk"

    def get_queryset(self):
        return self.queryset.visible_to(self.request.user)

    def get_filterset(self, queryset):
        return self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)

    def filterset_ready(self, filterset) -> None:
        """Hook to narrow the filter choices to the user (e.g. only their areas) and choose their widgets;
        the widgets are styled after it, as every list's filter panel is."""

    def ordered(self, queryset):
        return ordered(queryset, self.tiebreak)

    def extra_context_for(self, filtered_queryset) -> dict:
        return {}

    def known_count(self, extra_context: dict) -> int | None:
        """The filtered count when `extra_context_for` computed it anyway."""
        return None

    def decorate_page(self, objects: list) -> None:
        """Hook to attach per-row facts to the page's objects in one query (not per row)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.get_filterset(self.get_queryset())
        self.filterset_ready(filterset)
        style_filters(filterset.form)
        queryset = filterset.qs if filterset.is_bound else filterset.queryset
        queryset = self.ordered(queryset)
        page_size = page_size_from(self.request)
        extra = self.extra_context_for(queryset)
        page = paginate(self.request, queryset, page_size, count=self.known_count(extra))
        page.object_list = list(page.object_list)
        self.decorate_page(page.object_list)
        context.update(
            filterset=filterset,
            filter_form=filterset.form,
            page_obj=page,
            page_range=page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            object_list=page.object_list,
            page_size=page_size,
            page_sizes=PAGE_SIZES,
            ordering=self.request.GET.get("ordering", ""),
            table_id=self.table_id,
            city_wide=access.is_city_wide(self.request.user),
        )
        context.update(extra)
        return context

    def get_template_names(self):
        htmx = getattr(self.request, "htmx", None)
        if htmx and not htmx.history_restore_request and htmx.target == self.table_id:
            return [self.partial_template_name]
        return [self.template_name]

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        # The same URL answers with a fragment or a full page: caches must keep them apart.
        patch_vary_headers(response, ("HX-Request", "HX-Target"))
        return response
