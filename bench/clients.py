"""An API client signed in with a token, as the benchmarks' callers are."""

from rest_framework.test import APIClient

from mesoplan.auth.tokens import issue_token


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user, name='bench').key}")
    return client
