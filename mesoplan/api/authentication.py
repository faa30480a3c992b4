"""`Authorization: Token <key>` against the hashed, expiring tokens of mesoplan/auth/tokens.py."""

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from mesoplan.auth.tokens import token_for_key


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        token = token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        return (token.user, token)
