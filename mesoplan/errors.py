"""Domain errors raised by services; the API maps them to HTTP (409, 400), views to messages."""

from typing import Any


class DomainError(Exception):
    """Base for errors a client can cause: never a 500."""

    def __init__(self, message: str, code: str = "conflict") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class Conflict(DomainError):
    """The request is well-formed but the current state forbids it (API.md: 409).
    `details` (optional, JSON-able) tell a client exactly what stands in the way."""

    def __init__(self, message: str, code: str = "conflict", details: dict | None = None):
        super().__init__(message, code)
        self.details = details or {}


class InvalidInput(DomainError):
    """Input that passed shape validation but breaks a rule, keyed by field (400)."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__("; ".join(f"{k}: {_flat(v)}" for k, v in errors.items()), "invalid")
        self.errors = errors


def _flat(messages: Any) -> str:
    """Field messages as one line, nested ones too (a list's per-item errors).

    >>> _flat([{}, {"depth_mm": ["Too deep."]}])
    'depth_mm: Too deep.'
    """
    if isinstance(messages, dict):
        return " ".join(f"{k}: {_flat(v)}" for k, v in messages.items())
    if isinstance(messages, list | tuple):
        return " ".join(text for m in messages if (text := _flat(m)))
    return str(messages)
