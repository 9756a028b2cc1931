"""Related ids in writes go through the one access rule.

A write names other records by id: a project's investor, host area, sector, units and contacts, a
signing's event, an issue's or a report's project. Each such id is looked up in what the writer may
*see* of that model (`Model.objects.visible_to(user, "view")`; users through `access.user_q`), so an
id outside the writer's scope is refused exactly like an id that does not exist ("Invalid pk "7" -
object does not exist." in the API, "Select a valid choice." on a page) and its name never comes
back. What the writer may then *do* with a record they can see (place a project in an area, report
on a project) is checked by the write itself, as before.

- API: serializers inherit `ScopedRelatedFieldsMixin`; it narrows every writable related field,
  declared or generated, to the request user's view. Without a request user nothing is accepted.
- Pages: forms are built with `user=` and end their `__init__` with `scope_choices(self, user)`,
  which narrows every model choice field the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from rest_framework import relations, serializers

from investledger.core import access
from investledger.core.access import Action


def visible(queryset: QuerySet, user) -> QuerySet:
    """`queryset` narrowed to the records `user` may see; nothing for an anonymous or missing user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return queryset.none()
    if queryset.model is get_user_model():
        return queryset.filter(access.user_q(user, Action.VIEW))
    if not hasattr(queryset, "visible_to"):
        raise TypeError(f"{queryset.model.__name__} has no access rule (visible_to) to check a related id against")
    return queryset.visible_to(user, Action.VIEW)


def _writable_relations(fields):
    for field in fields.values():
        if getattr(field, "read_only", False):
            continue
        relation = field.child_relation if isinstance(field, relations.ManyRelatedField) else field
        if isinstance(relation, relations.RelatedField) and getattr(relation, "queryset", None) is not None:
            yield relation


# The mixin is used with DRF's serializers only; the type checker reads it as one.
if TYPE_CHECKING:
    _Serializer = serializers.Serializer
else:
    _Serializer = object


class ScopedRelatedFieldsMixin(_Serializer):
    """Every writable related field of the serializer accepts only ids the request's user may see."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for relation in _writable_relations(fields):
            relation.queryset = visible(relation.queryset, user)
        return fields


def scope_choices(form: forms.BaseForm, user) -> None:
    """Narrow every model choice field of `form` to the records `user` may see."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
            field.queryset = visible(field.queryset, user)
