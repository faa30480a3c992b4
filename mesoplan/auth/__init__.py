"""Authentication: lock-out after repeated failures (django-axes), tokens for the API."""
