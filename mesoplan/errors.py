"""Domain errors raised by services; the API maps them to HTTP (409, 400), views to messages."""


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

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()), "invalid")
        self.errors = errors
