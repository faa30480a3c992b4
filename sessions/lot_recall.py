"""The recall of a product lot (DOMAIN.md "Product lots": traceability should an allergic
reaction occur): every session that received the lot, whom to contact, what was injected
from it, and the adverse events linked to it. The API, its CSV export and the lot's page
all read it from here.

A recall is conservative: a session whose original (or an earlier) version named the lot
is listed even when an amendment later replaced the lot, flagged as not in the current
version, because the patient may well have received it.
"""

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from lots.models import ProductLot
from mesoplan import audit
from mesoplan.audit import Action
from mesoplan.clock import practice_zone
from mesoplan.tenancy import scoped
from protocols.regions import region_label

from .adverse_events import current_outcome
from .models import (
    AdverseEvent,
    AdverseEventFollowUp,
    EventOutcome,
    EventSeverity,
    EventType,
    Pass,
    SessionAmendment,
    SessionRecord,
)


@dataclass(frozen=True)
class Recipient:
    """One session that received the lot."""

    record: SessionRecord
    performed_at: datetime  # as the record's current version says
    version: int  # the version the regions and the volume are read from
    in_current_version: bool
    regions: list[str]  # region codes, in the order of the passes
    volume_ml: Decimal  # total volume injected from the lot in that version
    adverse_events: list[AdverseEvent]  # of this session, linked to the lot

    @property
    def patient(self):
        return self.record.patient

    @property
    def region_names(self) -> list[str]:
        return [region_label(code) for code in self.regions]

    @property
    def events_with_outcome(self) -> list[tuple[AdverseEvent, str]]:
        """Each linked event with its current outcome, as a label."""
        return [(e, str(EventOutcome(current_outcome(e)).label)) for e in self.adverse_events]


def recipient_records(actor, lot: ProductLot) -> QuerySet[SessionRecord]:
    """The actor's session records in which any version has a pass from `lot`, newest
    first, with what a recipient row needs: five queries per page, whatever its size."""
    used = Pass.objects.filter(lot=lot).values("session_record_id")
    events = (
        AdverseEvent.objects.filter(lots=lot)
        .prefetch_related("follow_ups")
        .order_by("onset_at", "id")
    )
    return (
        scoped(SessionRecord, actor)
        .filter(pk__in=used)
        .select_related("patient", "performed_by")
        .prefetch_related(
            Prefetch("passes", queryset=Pass.objects.filter(lot=lot), to_attr="lot_passes"),
            "amendments",
            Prefetch("adverse_events", queryset=events, to_attr="lot_events"),
        )
        .order_by("-performed_at", "-id")
    )


def recipient_of(record: SessionRecord) -> Recipient:
    """The recipient row of a record read through `recipient_records` (its passes there
    are the ones from the lot, of every version)."""
    amendments = sorted(record.amendments.all(), key=lambda a: a.version)
    current = amendments[-1].version if amendments else 1
    performed_at = amendments[-1].performed_at if amendments else record.performed_at
    passes: list[Pass] = record.lot_passes  # type: ignore[attr-defined]
    version, regions, volume = shown_version(
        current, [(p.version, p.position, p.region, p.volume_ml) for p in passes]
    )
    return Recipient(
        record=record,
        performed_at=performed_at,
        version=version,
        in_current_version=version == current,
        regions=regions,
        volume_ml=volume,
        adverse_events=list(record.lot_events),  # type: ignore[attr-defined]
    )


LotPass = tuple[int, int, str, Decimal]  # version, position, region, volume from the lot


def shown_version(current: int, passes: Sequence[LotPass]) -> tuple[int, list[str], Decimal]:
    """The version a recipient row reads (the current one if it has a pass from the lot,
    else the newest that has), its regions in the order of the passes, and the volume
    injected from the lot in it.

    >>> ml = Decimal("0.5")
    >>> shown_version(2, [(1, 2, "chin", ml), (1, 1, "forehead", ml), (1, 3, "chin", ml)])
    (1, ['forehead', 'chin'], Decimal('1.5'))
    """
    versions = {p[0] for p in passes}
    version = current if current in versions else max(versions)
    shown = sorted((p for p in passes if p[0] == version), key=lambda p: p[1])
    return version, list(dict.fromkeys(p[2] for p in shown)), sum((p[3] for p in shown), Decimal(0))


def recipients_of(records: Iterable[SessionRecord]) -> list[Recipient]:
    return [recipient_of(record) for record in records]


# --- CSV export ----------------------------------------------------------------------

CSV_HEADER = (
    "patient_id",
    "last_name",
    "first_name",
    "date_of_birth",
    "phone",
    "email",
    "session_record_id",
    "appointment_id",
    "performed_at",
    "clinician",
    "regions",
    "volume_ml",
    "in_current_version",
    "adverse_events",
)
# A cell a spreadsheet would read as a formula (OWASP "CSV injection"): = + - @, and tab
# or carriage return, which some programs strip before looking.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_filename(lot: ProductLot) -> str:
    """A download name that is safe in a header and on any file system.

    >>> csv_filename(ProductLot(lot_number='AB 12/"x"'))
    'lot-AB-12-x-recipients.csv'
    """
    number = re.sub(r"[^A-Za-z0-9._]+", "-", lot.lot_number).strip("-.") or "lot"
    return f"lot-{number}-recipients.csv"


def csv_cell(value) -> str:
    """A value as a CSV cell that no spreadsheet runs as a formula.

    >>> csv_cell("=HYPERLINK(\\"http://x\\")"), csv_cell("+49 30 1234"), csv_cell("Vogel")
    ('\\'=HYPERLINK("http://x")', "'+49 30 1234", 'Vogel')
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def describe_event(event: AdverseEvent, zone) -> str:
    return event_text(event.type, event.severity, event.onset_at, current_outcome(event), zone)


def event_text(type_code: str, severity: str, onset_at: datetime, outcome: str, zone) -> str:
    onset = timezone.localtime(onset_at, zone)
    return (
        f"{EventType(type_code).label} ({str(EventSeverity(severity).label).lower()}, "
        f"onset {onset:%Y-%m-%d %H:%M}, {outcome.replace('_', ' ')})"
    )


# Session records read per round trip while an export streams: four queries per chunk
# (the records with their patients and performers, their passes from the lot,
# amendments, events with their current outcome), as plain rows, not model instances:
# the worker holds one chunk at a time, however long the recall.
EXPORT_CHUNK = 2000
RECORD_COLUMNS = (
    "pk",
    "patient_id",
    "patient__last_name",
    "patient__first_name",
    "patient__date_of_birth",
    "patient__phone",
    "patient__email",
    "appointment_id",
    "performed_at",
    "performed_by__first_name",
    "performed_by__last_name",
    "performed_by__username",
)


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _recipient_cells(actor, lot: ProductLot, zone) -> Iterator[tuple]:
    """The CSV's cells of every recipient, newest session first, as recipient_of and
    describe_event read them (the same rules: `shown_version`, the newest follow-up's
    outcome), from rows read EXPORT_CHUNK records at a time."""
    used = Pass.objects.filter(lot=lot).values("session_record_id")
    records = (
        scoped(SessionRecord, actor)
        .filter(pk__in=used)
        .order_by("-performed_at", "-id")
        .values_list(*RECORD_COLUMNS)
    )
    newest_follow_up = AdverseEventFollowUp.objects.filter(event=OuterRef("pk")).order_by(
        "-recorded_at", "-id"
    )
    for chunk in _chunks(records.iterator(chunk_size=EXPORT_CHUNK), EXPORT_CHUNK):
        ids = [row[0] for row in chunk]
        passes: dict = {}
        for record_id, *lot_pass in Pass.objects.filter(
            lot=lot, session_record_id__in=ids
        ).values_list("session_record_id", "version", "position", "region", "volume_ml"):
            passes.setdefault(record_id, []).append(tuple(lot_pass))
        newest: dict = {}
        for record_id, version, performed_at in SessionAmendment.objects.filter(
            session_record_id__in=ids
        ).values_list("session_record_id", "version", "performed_at"):
            if record_id not in newest or version > newest[record_id][0]:
                newest[record_id] = (version, performed_at)
        events: dict = {}
        for record_id, type_code, severity, onset_at, outcome in (
            AdverseEvent.objects.filter(lots=lot, session_record_id__in=ids)
            .annotate(now=Coalesce(Subquery(newest_follow_up.values("outcome")[:1]), F("outcome")))
            .order_by("onset_at", "id")
            .values_list("session_record_id", "type", "severity", "onset_at", "now")
        ):
            events.setdefault(record_id, []).append(
                event_text(type_code, severity, onset_at, outcome, zone)
            )
        for pk, patient_id, last, first, born, phone, email, appointment, at, *by in chunk:
            current, performed_at = newest.get(pk, (1, at))
            version, regions, volume = shown_version(current, passes[pk])
            yield (
                patient_id,
                last,
                first,
                born.isoformat(),
                phone,
                email,
                pk,
                appointment,
                timezone.localtime(performed_at, zone).isoformat(),
                f"{by[0]} {by[1]}".strip() or by[2],  # User.display_name
                " ".join(regions),
                volume,
                "yes" if version == current else "no",
                "; ".join(events.get(pk, ())),
            )


def csv_lines(rows: Iterable[Sequence]) -> Iterator[str]:
    """A header, then one CSV line per row as it comes, no cell a spreadsheet formula."""
    out = io.StringIO()
    writer = csv.writer(out)

    def line(cells) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow(cells)
        return out.getvalue()

    yield line(CSV_HEADER)
    for row in rows:
        yield line(csv_cell(value) for value in row)


def record_listing(actor, lot: ProductLot, recipients: Sequence[Recipient]) -> None:
    """Audits a page of the recall as read (the page and the API alike)."""
    audit.record(
        actor,
        Action.LOT_RECALL_VIEW,
        lot,
        summary=f"Lot {lot.lot_number}: {len(recipients)} sessions listed",
        details={"patients": sorted({str(r.patient.pk) for r in recipients})},
    )


def patients_digest(patient_ids: Iterable) -> str:
    """What identifies a set of patients in the audit without listing them: the SHA-256
    of their ids, sorted, one a line. An auditor checks a list against it.

    >>> patients_digest(["b", "a"]) == patients_digest(["a", "b", "a"])
    True
    """
    ids = sorted({str(pk) for pk in patient_ids})
    return hashlib.sha256("\n".join(ids).encode()).hexdigest()


def export_recall(actor, lot: ProductLot) -> Iterator[str]:
    """The whole recall as CSV lines, audited as exported before the first line (the
    page's download and the API's). The lines are read as they are sent: chunks of
    EXPORT_CHUNK records, never the whole recall in memory. The audit entry names the
    lot and says how many sessions and patients, with their digest (patients_digest):
    the records are append-only, so the lot and the time say which rows they were."""
    records = recipient_records(actor, lot)
    patients = list(records.values_list("patient_id", flat=True).order_by())
    audit.record(
        actor,
        Action.LOT_RECALL_EXPORT,
        lot,
        summary=f"Lot {lot.lot_number}: {len(patients)} sessions exported",
        details={
            "lot_number": lot.lot_number,
            "sessions": len(patients),
            "patients": len(set(patients)),
            "patients_sha256": patients_digest(patients),
        },
    )
    return csv_lines(_recipient_cells(actor, lot, practice_zone(actor.practice)))
