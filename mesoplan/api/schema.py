"""The OpenAPI schema says what every operation can answer, not only its success: the
error statuses of API.md with their bodies, and the Idempotency-Key and If-Match headers.

Added here, once, from what an operation is (its method, whether it takes input, its path
parameters, whether it needs credentials, the mixins its view inherits), so that a new
endpoint is documented like the others without a word in its view. A status a view
declares itself (`@extend_schema(responses=...)`) is kept; only a missing body is filled.

| status | documented on |
|---|---|
| 400 | every operation that takes input (body, query, header or path: a NUL byte anywhere in the URL answers 400 before any view, mesoplan/guards.py) |
| 401, 403 | operations that need credentials |
| 404 | operations with path parameters (a junk or another practice's id) |
| 409 | POSTs with an Idempotency-Key (a key still in flight; the service's conflicts) |
| 412 | writes of one object with If-Match (a stale version): PUT, PATCH and POST actions on a detail route (cancel, end, ...) |
| 422 | POSTs with an Idempotency-Key (the key reused with another body) |
| 429 | the public POST that signs in (lock-out) |
"""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from mesoplan import idempotency

from .conditional import ETagMixin, writes_one_object
from .idempotent import IdempotentPostMixin

ERROR_DETAIL = "ErrorDetail"
FIELD_ERRORS = "FieldErrors"

ERROR_DETAIL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "What went wrong, for a person; `code` (where present) for a program.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
    },
    "required": ["detail"],
}
FIELD_ERRORS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "Errors per field: each field name maps to its messages (a list of strings; an "
        "object for a nested field, keyed by field name or list position). "
        "`non_field_errors` holds errors of the request as a whole; a body that cannot be "
        "read at all answers `detail` alone."
    ),
    "additionalProperties": {
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {}},
            {"type": "object", "additionalProperties": {}},
        ]
    },
}

# (description, body component) per status.
ERRORS: dict[str, tuple[str, str]] = {
    "400": ("Invalid input, with errors per field.", FIELD_ERRORS),
    "401": ("No credentials, or bad ones.", ERROR_DETAIL),
    "403": ("The role may not do this.", ERROR_DETAIL),
    "404": ("Not found, or another practice's object (never disclosed).", ERROR_DETAIL),
    "409": (
        "A state conflict (see the operation), or a request with this Idempotency-Key "
        "still in flight.",
        ERROR_DETAIL,
    ),
    "412": ("If-Match does not match the current version: nothing changed.", ERROR_DETAIL),
    "422": ("This Idempotency-Key was used before with another body.", ERROR_DETAIL),
    "429": ("Locked out after repeated failed sign-ins; see Retry-After.", ERROR_DETAIL),
}

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        f"Up to {idempotency.MAX_KEY_LENGTH} characters. The same key and body within 24 "
        "hours replay the first answer (with `Idempotent-Replayed: true`); another body "
        "answers 422; while the first request runs, 409."
    ),
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description="The `ETag` of the version read; a stale one answers 412 and changes nothing.",
)


class MesoPlanAutoSchema(AutoSchema):
    def takes_idempotency_key(self) -> bool:
        return self.method == "POST" and isinstance(self.view, IdempotentPostMixin)

    def takes_if_match(self) -> bool:
        return isinstance(self.view, ETagMixin) and writes_one_object(
            self.method, getattr(self.view, "detail", None)
        )

    def get_override_parameters(self) -> list:
        parameters = list(super().get_override_parameters())
        if self.takes_idempotency_key():
            parameters.append(IDEMPOTENCY_KEY)
        if self.takes_if_match():
            parameters.append(IF_MATCH)
        return parameters

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        # The statuses the operation can give, and any error a view declared itself
        # without a body (e.g. a 404 for a body that names another practice's patient).
        declared = [status for status in responses if status in ERRORS]
        for status in dict.fromkeys([*self.error_statuses(operation), *declared]):
            description, component = ERRORS[status]
            response = responses.setdefault(status, {"description": description})
            response.setdefault("content", {"application/json": {"schema": self._ref(component)}})
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def error_statuses(self, operation: dict) -> list[str]:
        locations = {p["in"] for p in operation.get("parameters", [])}
        security = operation.get("security") or []
        needs_credentials = bool(security) and {} not in security
        statuses = []
        if "requestBody" in operation or locations:
            statuses.append("400")
        if needs_credentials:
            statuses += ["401", "403"]
        if "path" in locations:
            statuses.append("404")
        if self.takes_idempotency_key():
            statuses += ["409", "422"]
        if self.takes_if_match():
            statuses.append("412")
        if self.method == "POST" and not needs_credentials:
            statuses.append("429")  # the public POST is the sign-in, and it locks out
        return statuses

    def _ref(self, name: str) -> dict:
        schema = ERROR_DETAIL_SCHEMA if name == ERROR_DETAIL else FIELD_ERRORS_SCHEMA
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
        )
        self.registry.register_on_missing(component)
        return component.ref
