"""Authentication backend that marks a request refused because its username is locked."""

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied


class LockoutAwareAxesBackend(AxesStandaloneBackend):
    """Axes' guard, noting on the request that it refused an attempt.

    API.md: "after 5 failed attempts ... further attempts answer 429". Axes flags the
    fifth failure itself as a lock-out; with this mark the lock-out response is given
    only to attempts refused *because* of an earlier lock-out (see lockout.py).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            if request is not None:
                request.refused_while_locked_out = True
            raise
