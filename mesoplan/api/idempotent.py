"""Idempotency-Key handling for every POST of an API view (see mesoplan/idempotency.py)."""

import json

from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from mesoplan import idempotency

from .parsers import text_problem

REPLAYED_HEADERS = ("Location", "ETag")


class KeyReusedWithOtherBody(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "This Idempotency-Key was already used with a different request body."
    default_code = "idempotency_key_reused"


class _Replay(Exception):
    def __init__(self, record):
        self.record = record


class IdempotentPostMixin:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # type: ignore[misc]  # auth and permissions first
        self._idempotency_claim = None
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or key is None:
            return
        if not key.strip() or len(key) > idempotency.MAX_KEY_LENGTH:
            raise ValidationError(
                {"Idempotency-Key": [f"Must be 1 to {idempotency.MAX_KEY_LENGTH} characters."]}
            )
        # The key is stored: what a text column cannot hold (a NUL on PostgreSQL) is a 400
        # here, not a database error while claiming it.
        if problem := text_problem(key):
            raise ValidationError({"Idempotency-Key": [f"The key {problem}."]})
        fingerprint = idempotency.request_fingerprint(
            request.method, request.path, self.idempotency_payload(request)
        )
        try:
            claim, done = idempotency.claim_key(user=request.user, key=key, fingerprint=fingerprint)
        except idempotency.KeyReusedWithOtherBody as exc:
            raise KeyReusedWithOtherBody from exc
        if done is not None:
            raise _Replay(done)
        self._idempotency_claim = claim

    def idempotency_payload(self, request) -> bytes:
        """What a key is bound to: the body as sent (JSON is compared by content). A view
        whose bodies are not byte-stable (multipart) names its own."""
        return request.body

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            record = exc.record
            response = Response(record.response_body, status=record.status_code)
            for name, value in record.response_headers.items():
                response[name] = value
            response["Idempotent-Replayed"] = "true"
            return response
        return super().handle_exception(exc)  # type: ignore[misc]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        claim = getattr(self, "_idempotency_claim", None)
        if claim is not None:
            self._idempotency_claim = None
            try:
                if response.status_code >= 500:
                    idempotency.release_claim(claim)
                else:
                    body = json.loads(json.dumps(getattr(response, "data", None), cls=JSONEncoder))
                    headers = {h: response[h] for h in REPLAYED_HEADERS if response.has_header(h)}
                    idempotency.complete_claim(claim, response.status_code, body, headers)
            except BaseException:
                # Whatever failed (a body that cannot be stored, say), the key must not
                # stay "in flight": every retry would answer 409 for 24 hours.
                idempotency.release_claim(claim)
                raise
        return response

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        except BaseException:
            claim = getattr(self, "_idempotency_claim", None)
            if claim is not None:
                idempotency.release_claim(claim)
            raise
