"""A course's timeline on the patient record: every session in order, done or planned,
with what was done (passes per region, volume, lots), measures, photos and adverse
events. Pure: rows the selector read in, entries out."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from protocols.regions import region_label
from scheduling.models import AppointmentStatus

from .passes import NAPPAGE, SINGLE_PULSE

SHORT = {SINGLE_PULSE: "SP", NAPPAGE: "N"}


@dataclass(frozen=True)
class RegionDone:
    """A region of a session: its label and techniques in order ("SP + N")."""

    label: str
    techniques: tuple[str, ...]

    @property
    def text(self) -> str:
        return f"{self.label} ({' + '.join(SHORT.get(t, t) for t in self.techniques)})"


class LotDone(NamedTuple):
    """A lot as the timeline shows it: its number."""

    lot_number: str


class PassDone(NamedTuple):
    """A pass as the timeline reads it (a Pass with its lot reads the same): what,
    where, how much, from which lot. A tuple: a page builds hundreds."""

    technique: str
    region: str
    volume_ml: Decimal
    lot: LotDone


class MeasureDone(NamedTuple):
    """A session's latest outcome measure, as the timeline shows it."""

    gais: int | None
    hair_density_per_cm2: int | None
    patient_rating: int | None


@dataclass(frozen=True)
class Entry:
    """One line of the timeline: a session done (`record` set) or planned."""

    label: str  # "Session 3 of 8", "Maintenance"
    when: datetime | None
    state: str  # done | planned | missed | open
    appointment: Any = None
    record: Any = None
    regions: tuple[RegionDone, ...] = ()
    volume_ml: Decimal = Decimal(0)
    lots: tuple[str, ...] = ()
    version: int = 1
    measures: Any = None
    photos: int = 0
    events: tuple[Any, ...] = field(default_factory=tuple)


def regions_done(
    passes: Iterable[Any], labels: dict[str, str] | None = None
) -> tuple[RegionDone, ...]:
    """Regions in the order treated, each with its techniques. Each region's name is
    looked up once, in `labels` when a timeline shares it across its sessions (a lookup
    lists every translated choice: a model's get_region_display hashes them per call).

    >>> from types import SimpleNamespace as P
    >>> rows = [P(region="chin", technique="single_pulse"), P(region="chin", technique="nappage")]
    >>> [r.text for r in regions_done(rows)]
    ['Chin (SP + N)']
    """
    order: dict[str, list] = {}
    for p in passes:
        order.setdefault(p.region, []).append(p.technique)
    if labels is None:
        labels = {}
    for r in order:
        if r not in labels:
            labels[r] = region_label(r)
    return tuple(RegionDone(labels[r], tuple(t)) for r, t in order.items())


def course_timeline(
    *,
    total: int,
    appointments: Sequence[Any],
    records: Mapping[Any, Any],
    current_passes: Mapping[Any, Sequence[Any]],
    versions: Mapping[Any, int],
    measures: Mapping[Any, Any],
    photos: Mapping[Any, int],
    events: Mapping[Any, Sequence[Any]],
    labels: dict[str, str] | None = None,
) -> list[Entry]:
    """The course's sessions 1..total (its current appointment each; none: open), then
    maintenance sessions recorded against it, in time order. `records` maps appointment
    id -> session record; the other mappings are keyed by record id. `labels`, region
    names already looked up, when the caller builds several timelines."""
    labels = {} if labels is None else labels
    rows = _Rows(records, current_passes, versions, measures, photos, events, labels)
    by_sequence: dict[int, Any] = {}
    for a in appointments:
        if a.sequence and a.status != AppointmentStatus.CANCELLED:
            by_sequence[a.sequence] = a
    extra = [a for a in appointments if not a.sequence and a.pk in records]
    entries = [
        _entry(f"Session {sequence} of {total}", by_sequence.get(sequence), rows)
        for sequence in range(1, total + 1)
    ]
    entries += [_entry("Maintenance", a, rows) for a in sorted(extra, key=lambda a: a.starts_at)]
    return entries


@dataclass(frozen=True)
class _Rows:
    """What course_timeline was handed, and the region names it has looked up."""

    records: Mapping[Any, Any]
    current_passes: Mapping[Any, Sequence[Any]]
    versions: Mapping[Any, int]
    measures: Mapping[Any, Any]
    photos: Mapping[Any, int]
    events: Mapping[Any, Sequence[Any]]
    labels: dict[str, str]


def _entry(label: str, a: Any, rows: _Rows) -> Entry:
    if a is None:
        return Entry(label=label, when=None, state="open")
    record = rows.records.get(a.pk)
    if record is None:
        state = "planned" if a.status == AppointmentStatus.SCHEDULED else "missed"
        return Entry(label=label, when=a.starts_at, state=state, appointment=a)
    passes = rows.current_passes.get(record.pk, ())
    return Entry(
        label=label,
        when=record.performed_at,
        state="done",
        appointment=a,
        record=record,
        regions=regions_done(passes, rows.labels),
        volume_ml=sum((p.volume_ml for p in passes), Decimal(0)),
        lots=tuple(dict.fromkeys(p.lot.lot_number for p in passes)),
        version=rows.versions.get(record.pk, 1),
        measures=rows.measures.get(record.pk),
        photos=rows.photos.get(record.pk, 0),
        events=tuple(rows.events.get(record.pk, ())),
    )
