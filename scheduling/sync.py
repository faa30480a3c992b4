"""The changes feed of API.md's Sync: a client keeps a copy of a practice's appointments
and never misses or repeats a change, also while writes commit concurrently.

A position in the change log (scheduling.models.AppointmentChange) is `(xid, id)`. On
PostgreSQL a change is read only once every transaction that could still write below it
has ended: below `pg_snapshot_xmin(pg_current_snapshot())`, the oldest transaction still
running. Below that bound the log is final (a new transaction always gets a larger xid),
so walking it in `(xid, id)` order skips nothing, whatever order transactions commit in;
an id or a timestamp alone is taken before commit and would. SQLite has one writer at a
time, so there the id's order is the commit order (xid is 0).

A token is signed (forged or another practice's: `InvalidToken`, 400) and names either a
position in the log, or, for the first sync, the walk through the appointments table by
id and the log's bound when the walk began (the changes made during the walk follow it).
A token older than the pruned history (`ChangeHorizon`) is `ExpiredToken` (410).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import BigIntegerField, Exists, F, Func, OuterRef, Q, Value
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from mesoplan.models import Practice
from scheduling.models import Appointment, AppointmentChange, ChangeHorizon

SALT = "scheduling.sync"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
# No appointment id sorts below this: the walk's start.
WALK_START = "00000000-0000-0000-0000-000000000000"


class InvalidToken(Exception):
    """Not a token this practice was given."""


class ExpiredToken(Exception):
    """Older than the retained change history: start again without `since`."""


@dataclass(frozen=True)
class Position:
    xid: int
    change_id: int

    def __lt__(self, other: "Position") -> bool:
        return (self.xid, self.change_id) < (other.xid, other.change_id)


@dataclass(frozen=True)
class Token:
    """Where a client is: in the first walk (`after_appointment` set) or in the log."""

    position: Position
    after_appointment: str | None = None


@dataclass(frozen=True)
class Page:
    appointments: list[Appointment]
    deleted: list[str]  # ids of appointments that are gone (tombstones)
    order: list[str]  # every id of the page, in feed order
    next: str
    more: bool


def encode(practice_id, token: Token) -> str:
    payload = {"p": str(practice_id), "x": token.position.xid, "i": token.position.change_id}
    if token.after_appointment is not None:
        payload["a"] = token.after_appointment
    return signing.dumps(payload, salt=SALT, compress=True)


def decode(practice_id, text: str) -> Token:
    try:
        payload = signing.loads(text, salt=SALT)
        if payload["p"] != str(practice_id):
            raise InvalidToken
        position = Position(int(payload["x"]), int(payload["i"]))
        after = payload.get("a")
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise InvalidToken from error
    if after is not None and not isinstance(after, str):
        raise InvalidToken
    return Token(position, after)


def log_bound() -> int | None:
    """Every change with an xid below this is committed or gone for good (PostgreSQL);
    None on SQLite, where every committed change is final."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        return cursor.fetchone()[0]


def read(practice, since: str | None, limit: int = DEFAULT_LIMIT) -> Page:
    """One page of the feed after the token `since` (None: from the beginning)."""
    limit = max(1, min(limit, MAX_LIMIT))
    with transaction.atomic():  # one snapshot for the page, on both databases
        if since is None:
            return _walk(practice, Token(log_end(practice), WALK_START), limit)
        token = decode(practice.pk, since)
        _check_horizon(practice, token.position)
        if token.after_appointment is not None:
            return _walk(practice, token, limit)
        return _log(practice, token.position, limit)


def log_end(practice) -> Position:
    """Where the log stands as a first sync begins: what follows it are the changes the
    walk may not show. PostgreSQL: the bound (older transactions have all ended); SQLite:
    the last change, as one writer at a time commits in id order."""
    bound = log_bound()
    if bound is not None:
        return Position(bound, 0)
    last = AppointmentChange.objects.filter(practice=practice).order_by("-id").first()
    horizon = ChangeHorizon.objects.filter(practice=practice).first()
    return Position(0, max(last.id if last else 0, horizon.change_id if horizon else 0))


def _check_horizon(practice, position: Position) -> None:
    horizon = ChangeHorizon.objects.filter(practice=practice).first()
    if horizon is not None and position < Position(horizon.xid, horizon.change_id):
        raise ExpiredToken


def _walk(practice, token: Token, limit: int) -> Page:
    rows = list(
        Appointment.objects.filter(practice=practice, id__gt=token.after_appointment).order_by(
            "id"
        )[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    # When the walk is done, the changes made since it began follow.
    following = Token(token.position, str(rows[-1].pk)) if more else Token(token.position)
    ids = [str(row.pk) for row in rows]
    # Even the walk's last page says "more": the changes made during the walk come next.
    return Page(rows, [], ids, encode(practice.pk, following), more=True)


def _log(practice, after: Position, limit: int) -> Page:
    bound = log_bound()
    changes = _latest_changes_after(practice, after, bound, limit + 1)
    more = len(changes) > limit
    changes = changes[:limit]
    if changes:
        last = changes[-1]
        position = Position(last.xid, last.id)
    else:
        position = after
    if not more and bound is not None and position < Position(bound, 0):
        position = Position(bound, 0)  # everything below the bound has been read
    ids = [str(change.appointment_id) for change in changes]
    current = {
        str(row.pk): row for row in Appointment.objects.filter(practice=practice, pk__in=ids)
    }
    deleted = [pk for pk in ids if pk not in current]
    return Page(
        [current[pk] for pk in ids if pk in current],
        deleted,
        ids,
        encode(practice.pk, Token(position)),
        more,
    )


def _row(*values) -> Func:
    """A row value, `(a, b)`: compared as a whole (both databases have them)."""
    return Func(*values, function="", output_field=BigIntegerField())


def _after(position: Position) -> GreaterThan:
    """Rows after `position` in (xid, id) order, as one row comparison: PostgreSQL seeks
    the (practice, xid, id) index to the position. Written as `xid > x OR (xid = x AND
    id > i)` it could bound the index range by the xid only, and read past every change
    of the position's transaction before it: a bulk write of 100,000 appointments is one
    transaction, and a catch-up through it read its page's rows and all the ones before
    (page k of n skipping k * limit rows: bench_sync)."""
    return GreaterThan(
        _row(F("xid"), F("id")), _row(Value(position.xid), Value(position.change_id))
    )


def _latest_changes_after(practice, after: Position, bound: int | None, limit: int):
    """The log's changes after `after` (below `bound`), each appointment's latest only:
    an appointment changed twice is sent once, at its last change."""
    newer = AppointmentChange.objects.filter(
        GreaterThan(_row(F("xid"), F("id")), _row(OuterRef("xid"), OuterRef("id"))),
        appointment_id=OuterRef("appointment_id"),
    )
    changes = AppointmentChange.objects.filter(_after(after), practice=practice)
    if bound is not None:
        newer = newer.filter(xid__lt=bound)
        changes = changes.filter(xid__lt=bound)
    # Named rows rather than deferred models: half the Python time of a page's 1000.
    return list(
        changes.filter(~Exists(newer))
        .order_by("xid", "id")
        .values_list("id", "xid", "appointment_id", named=True)[:limit]
    )


def every_change_after(practice_id, after: Position, limit: int):
    """The log's changes after `after`, each of them (the webhooks tell of every change),
    in order and final (below the bound); with the position to go on from."""
    bound = log_bound()
    changes = AppointmentChange.objects.filter(_after(after), practice_id=practice_id)
    if bound is not None:
        changes = changes.filter(xid__lt=bound)
    rows = list(changes.order_by("xid", "id")[:limit])
    if rows:
        return rows, Position(rows[-1].xid, rows[-1].id)
    return rows, after


def prune(now=None) -> int:
    """Forget changes older than SYNC_RETENTION_DAYS (at least 30, API.md), practice by
    practice, moving the practice's horizon past them; returns how many went."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SYNC_RETENTION_DAYS)
    bound = log_bound()
    old = AppointmentChange.objects.filter(at__lt=cutoff)
    if bound is not None:
        old = old.filter(xid__lt=bound)
    removed = 0
    practices = set(Practice.objects.values_list("pk", flat=True))
    for practice_id in old.values_list("practice_id", flat=True).distinct():
        if practice_id not in practices:  # the practice is gone, and with it every client
            removed += old.filter(practice_id=practice_id).delete()[0]
            continue
        with transaction.atomic():
            last = old.filter(practice_id=practice_id).order_by("-xid", "-id").first()
            if last is None:
                continue
            doomed = AppointmentChange.objects.filter(practice_id=practice_id).filter(
                _at_or_before(Position(last.xid, last.id))
            )
            removed += doomed.delete()[0]
            ChangeHorizon.objects.update_or_create(
                practice_id=practice_id,
                defaults={"xid": last.xid, "change_id": last.id, "pruned_at": now},
            )
    return removed


def _at_or_before(position: Position) -> Q:
    return Q(xid__lt=position.xid) | Q(xid=position.xid, id__lte=position.change_id)
