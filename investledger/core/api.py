"""API base classes shared by every app: the scoped viewset, its permission and audited writes.

The access rule in one place for the API (core/access.py decides, this module only applies it):

- reads start from `Model.objects.visible_to(user, "view")`, so an object outside the user's scope is
  not found (HTTP 404), whatever the method;
- an action on an object the user can see but may not act on answers HTTP 403 (a leader editing, a
  supervisor deleting);
- an endpoint whose action the user holds on nothing at all answers HTTP 403 (a leader POSTing, a
  signed-in user without a role listing).

Writes to ledger data go through the app's services (areas through reference/services.py, since a
move re-scopes projects; an update of a versioned record through `VersionedUpdateMixin`). Reference
data without a service of its own (sectors, units) is written by `AuditedWriteMixin`, which validates the model
(`full_clean`), saves and records the audit entry in one transaction, like a service would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.response import Response

from investledger.core import access, audit
from investledger.core.access import Action
from investledger.core.models import AuditEntry
from investledger.core.money import MONEY_FIELD, AmountValidator, RateValidator
from investledger.core.versions import EditConflict, changed_since


class Conflict(exceptions.APIException):
    """HTTP 409: the request is valid but clashes with the ledger's current state.

    Every 409 of the API is this one answer (`ConflictSerializer`, core/drf.py writes it):
    `{"code": ..., "detail": ..., "current_version": ...}` and, for a likely duplicate, the candidates.
    `code` says which clash (CONFLICT_CODES), `detail` says it to people, `current_version` is the
    record's version on file when the clash is an edit made meanwhile (null otherwise).
    """

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The request conflicts with the current state of the ledger.")
    default_code = "conflict"

    def __init__(self, detail=None, code: str | None = None, *, current_version: int | None = None, **extra):
        super().__init__(detail, code)
        self.conflict_code = code or self.default_code
        self.current_version = current_version
        self.extra = extra

    def body(self) -> dict:
        return {
            "code": self.conflict_code,
            "detail": str(self.detail),
            "current_version": self.current_version,
            **self.extra,
        }


# The help of the `version` an update sends.
VERSION_HELP = gettext_lazy("The version you read; a newer one on file answers HTTP 409.")

# The clashes a 409 names in its `code`.
CONFLICT_CODES = {
    "edited_meanwhile": "The record was saved by someone else since the version sent; read it again.",
    "possible_duplicate": "The new project looks like one already in the ledger; confirm it is another.",
    "still_in_use": "Other records still use what was to be deleted.",
    "not_committable": "The import cannot be committed in its present state.",
    "not_rerunnable": "Only an import that failed can be run again.",
    "audit_trail_broken": "The audit trail does not hold; a checkpoint cannot be issued.",
}


def edited_meanwhile(current_version: int, detail=None, *, changed: list[str] | None = None) -> Conflict:
    """The 409 of an edit whose version is no longer the one on file; `changed` names the fields saved
    since the version the edit was made on, when they are known."""
    extra = {"changed": changed} if changed is not None else {}
    return Conflict(
        detail
        or _(
            "Someone else saved this record meanwhile (now version %(version)s). Read it again and re-apply your change."
        )
        % {"version": current_version},
        "edited_meanwhile",
        current_version=current_version,
        **extra,
    )


class ConflictSerializer(serializers.Serializer):
    """What every HTTP 409 of the API answers."""

    code = serializers.ChoiceField(
        choices=sorted(CONFLICT_CODES),
        help_text="Which clash: " + "; ".join(f"`{k}`: {v}" for k, v in CONFLICT_CODES.items()),
    )
    detail = serializers.CharField(help_text="The clash, said for people.")
    current_version = serializers.IntegerField(
        allow_null=True, help_text="The record's version on file, for `edited_meanwhile`; null otherwise."
    )
    changed = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="For `edited_meanwhile` where it is known: the fields saved since the version sent.",
    )


class ScopedPermission(permissions.BasePermission):
    """The user must hold the view's action somewhere; on an object, within the object's scope.

    Object checks run after the object was found in the *view* scope, so a failure here is a 403
    on something the user can see, never a hint about what they cannot.
    """

    message = gettext_lazy("You may not do this.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        model = getattr(getattr(view, "queryset", None), "model", None)
        return access.can_on(model, user, view.access_action())

    def has_object_permission(self, request, view, obj):
        action = view.access_action()
        if action == Action.VIEW:
            return True  # it was found through visible_to(user, "view")
        return view.scoped_queryset(action).filter(pk=obj.pk).exists()


# The mixin is used with DRF's viewsets only; the type checker reads it as one.
if TYPE_CHECKING:
    _ViewSet = viewsets.GenericViewSet
else:
    _ViewSet = object


class ScopedViewSetMixin(_ViewSet):
    """Every API read starts from `Model.objects.visible_to(user, action)`.

    `access_actions` maps viewset actions to access actions; an extra `@action` names its own with
    `@action(..., access=Action.CHANGE)` (or a dict by HTTP method: `{"GET": "view", "POST": "change"}`). Reference data (areas, sectors, units, events) maps every
    write to `Action.MANAGE` through `write_access`.
    """

    permission_classes = [ScopedPermission]
    access_actions = {
        "list": Action.VIEW,
        "retrieve": Action.VIEW,
        "create": Action.CREATE,
        "update": Action.CHANGE,
        "partial_update": Action.CHANGE,
        "destroy": Action.DELETE,
    }
    write_access: str | None = None  # when set, every non-read action needs this access action
    access: str | dict | None = None  # set per extra action by @action(access=...)

    def access_action(self) -> str:
        if isinstance(self.access, dict):  # per HTTP method, for an extra action that reads and writes
            return self.access.get(self.request.method, self.access.get("*", Action.VIEW))
        if self.access:
            return self.access
        mapped = self.access_actions.get(self.action, Action.VIEW)
        if self.write_access and mapped != Action.VIEW:
            return self.write_access
        return mapped

    def scoped_queryset(self, action: str = Action.VIEW):
        queryset = super().get_queryset()
        # Every scoped model's queryset has visible_to (the access rule); the stubs know only QuerySet.
        return queryset.visible_to(self.request.user, action)  # type: ignore[attr-defined]

    def get_queryset(self):
        # Objects are looked up in the *view* scope (404 outside it); the action's own scope is
        # checked on the object (403), see ScopedPermission.has_object_permission.
        return self.scoped_queryset(Action.VIEW)


class BoundedDecimalField(serializers.DecimalField):
    """A decimal checked against the ledger's bound (`core.money`) before the field's digit count.

    DRF's own check would answer "no more than 20 digits" for 10^26; the bound's validator says
    what the largest accepted amount (or rate) is, and that a figure finer than the field keeps is
    refused. Infinity and NaN are refused as "a valid number is required", as DRF does.
    """

    def validate_precision(self, value):
        for validator in self.validators:
            if isinstance(validator, (AmountValidator, RateValidator)):
                try:
                    validator(value)
                except DjangoValidationError as exc:
                    raise serializers.ValidationError(exc.messages, code=exc.error_list[0].code) from None
        return super().validate_precision(value)


class BoundedDecimalsMixin:
    """A ModelSerializer whose decimal fields (amounts, rates) answer with the bound's messages."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DecimalField: BoundedDecimalField,
    }


def amount_field(**kwargs) -> BoundedDecimalField:
    """A declared amount field of a plain Serializer: yuan, to the cent, within the ledger's bound."""
    return BoundedDecimalField(
        max_digits=MONEY_FIELD["max_digits"],
        decimal_places=MONEY_FIELD["decimal_places"],
        validators=[AmountValidator()],
        **kwargs,
    )


def validation_error_from(exc: DjangoValidationError) -> serializers.ValidationError:
    """A model ValidationError as a DRF one, keyed by field ("non_field_errors" for the rest)."""
    if hasattr(exc, "error_dict"):
        detail = {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
    else:
        detail = {"non_field_errors": exc.messages}
    return serializers.ValidationError(detail)


class AuditedWriteMixin:
    """Create, update and delete reference data with model validation and an audit entry.

    The serializer's `save()` runs inside the transaction; the model is `full_clean()`ed first so
    model rules (`clean()`, constraints) answer HTTP 400 naming the field, and a delete that other
    records still depend on answers HTTP 409 instead of a server error.
    """

    def _validate_model(self, serializer, **extra):
        model = serializer.Meta.model
        instance = serializer.instance or model()
        for name, value in {**serializer.validated_data, **extra}.items():
            field = model._meta.get_field(name)
            if field.many_to_many:
                continue
            setattr(instance, name, value)
        try:
            instance.full_clean()
        except DjangoValidationError as exc:
            raise validation_error_from(exc) from exc

    def perform_create(self, serializer):
        with transaction.atomic():
            self._validate_model(serializer)
            instance = serializer.save()
            audit.record(instance, AuditEntry.Kind.CREATE)

    def perform_update(self, serializer):
        with transaction.atomic():
            model = serializer.Meta.model
            before = audit.snapshot(model.objects.select_for_update().get(pk=serializer.instance.pk))
            self._validate_model(serializer)
            instance = serializer.save()
            audit.record(instance, AuditEntry.Kind.UPDATE, before=before)

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                before = audit.snapshot(instance)
                pk = instance.pk
                instance.delete()
                instance.pk = pk
                audit.record(instance, AuditEntry.Kind.DELETE, before=before)
        except (ProtectedError, RestrictedError) as exc:
            used_by = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", None) or ()
            raise Conflict(
                _("%(object)s is still used by %(count)d other records and cannot be deleted.")
                % {"object": instance, "count": len(used_by)},
                "still_in_use",
            ) from exc


class VersionedUpdateMixin:
    """PUT and PATCH of a versioned record through its app's service, with the version the client read.

    `update_serializer` validates the request (its `version` field required); `save_edit(instance, data,
    version)` calls the service. A PATCH without the version is refused (edits could otherwise overwrite
    each other); an edit made on an older version answers 409 `edited_meanwhile` with the version on file
    and the fields saved since; a model rule broken answers 400 naming the field.
    """

    update_serializer: type[serializers.Serializer]
    conflict_detail: Any = None  # the 409's words, when the default's do not fit

    def save_edit(self, instance, data: dict, version: int):
        raise NotImplementedError

    def read_back(self, saved):
        """What the answer shows of the saved record."""
        return saved

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()  # type: ignore[attr-defined]
        context = self.get_serializer_context()  # type: ignore[attr-defined]
        serializer = self.update_serializer(instance, data=request.data, partial=partial, context=context)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        if version is None:  # a PATCH without it: required here too, or edits could overwrite each other
            raise serializers.ValidationError({"version": _("Send the version you read.")})
        try:
            saved = self.save_edit(instance, data, version)
        except EditConflict as exc:
            current = type(instance)._default_manager.get(pk=instance.pk)
            raise edited_meanwhile(
                exc.current_version, self.conflict_detail, changed=[f.name for f in changed_since(current, version)]
            ) from exc
        except DjangoValidationError as exc:
            raise validation_error_from(exc) from exc
        return Response(self.get_serializer(self.read_back(saved)).data)  # type: ignore[attr-defined]


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    pass


class ReferenceViewSet(AuditedWriteMixin, ScopedModelViewSet):
    """Reference data: every signed-in user with a role reads it, administrators (MANAGE) change it."""

    write_access = Action.MANAGE
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
