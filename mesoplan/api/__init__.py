"""HTTP plumbing shared by every API endpoint: errors, pagination, strict input,
idempotency keys and ETags. Thin: no business rules here."""
