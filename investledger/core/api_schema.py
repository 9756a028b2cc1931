"""The OpenAPI schema documents the error answers every operation can give, not only its success.

drf-spectacular describes the answer an operation gives when it works. Clients (and the schema
check in the test suite) also need the errors the API base classes give everywhere:

- 400 with field-keyed messages, wherever the request carries a body or query parameters;
- 401 without credentials and 403 for an action the user may not take (core/api.py);
- 404 for an object outside the user's scope or absent, and for a page past the last one;
- 409 when deleting reference data that other records still use (`AuditedWriteMixin`).

Every 409, here and where an operation documents its own, has one shape (`ConflictSerializer`):
`code`, `detail` and `current_version` (null unless an edit clashed with a newer version).

An operation that documents one of these codes itself (`@extend_schema(responses={409: ...})`) keeps
its own description; this only fills in the codes it left out.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import permissions, serializers

from investledger.core.api import AuditedWriteMixin, ConflictSerializer


class ErrorSerializer(serializers.Serializer):
    """An error with a message for people."""

    detail = serializers.CharField()


VALIDATION_ERROR = {
    "type": "object",
    "description": (
        "The request was not accepted. Each key names a field (or query parameter) with the list of "
        "what is wrong with it; `non_field_errors` holds what concerns the request as a whole, `detail` "
        "a request that could not be read at all (malformed JSON)."
    ),
    "properties": {
        "detail": {"type": "string"},
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {}},
            {"type": "string"},
            {"type": "object"},
        ]
    },
}

DESCRIPTIONS = {
    "400": "The request was not accepted; the answer says what is wrong and where.",
    "401": "No valid credentials were given.",
    "403": "The user may not do this.",
    "404": "Not found, or not visible to this user.",
    "409": "The request clashes with the ledger's current state.",
}


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code in self._error_codes(operation):
            if code not in responses:
                body = {"400": self._validation_error_component(), "409": ConflictSerializer}.get(code, ErrorSerializer)
                responses[code] = self._get_response_for_code(body, code)
                responses[code]["description"] = DESCRIPTIONS[code]
        return operation

    def _error_codes(self, operation) -> list[str]:
        parameters = operation.get("parameters", ())
        codes = []
        if "requestBody" in operation or any(p.get("in") == "query" for p in parameters):
            codes.append("400")
        if not self._is_public():
            codes += ["401", "403"]
        if any(p.get("in") == "path" for p in parameters) or self._is_paginated_list():
            codes.append("404")
        if self.method == "DELETE" and self._deletes_reference_data():
            codes.append("409")
        return codes

    def _is_public(self) -> bool:
        return all(cls is permissions.AllowAny for cls in getattr(self.view, "permission_classes", ()))

    def _is_paginated_list(self) -> bool:
        return self.method == "GET" and self._is_list_view() and self._get_paginator() is not None

    def _deletes_reference_data(self) -> bool:
        return isinstance(self.view, AuditedWriteMixin)

    def _validation_error_component(self) -> dict:
        component = ResolvedComponent(
            name="ValidationError", type=ResolvedComponent.SCHEMA, schema=VALIDATION_ERROR, object="ValidationError"
        )
        self.registry.register_on_missing(component)
        return component.ref
