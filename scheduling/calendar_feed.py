"""Private calendar subscription URLs (API.md, clinicians' `feed_url`).

The URL carries an HMAC of the clinician's id and feed version, so no secret is stored
and any web process can check it; bumping the version revokes every earlier URL.
"""

from django.db.models import F
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

_SALT = "mesoplan.calendar-feed"


def feed_token(user) -> str:
    return salted_hmac(_SALT, f"{user.pk}:{user.calendar_feed_version}").hexdigest()[:40]


def feed_path(user) -> str:
    return reverse("calendar-feed", kwargs={"clinician_id": user.pk, "token": feed_token(user)})


def is_valid_feed_token(user, token: str) -> bool:
    return constant_time_compare(feed_token(user), token)


def revoke_feed(user) -> None:
    """Invalidate the current subscription URL; a new one is issued at once."""
    type(user).objects.filter(pk=user.pk).update(
        calendar_feed_version=F("calendar_feed_version") + 1
    )
    user.refresh_from_db(fields=["calendar_feed_version"])
