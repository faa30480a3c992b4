"""The versions of a session record (DOMAIN.md: records are never edited in place): 1 is
the original, each amendment a later one; the newest is the record as it stands. Reads
prefetched rows only, so a page of records costs no query per record."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .models import Pass, SessionRecord


@dataclass(frozen=True)
class Version:
    """One version of a session record: 1 is the original, later ones amendments."""

    version: int
    performed_at: datetime
    notes: str
    at: datetime
    reason: str
    passes: list[Pass]
    source: Any  # the record (version 1) or the amendment

    @property
    def author(self) -> Any:
        """Who wrote this version (read only when shown: the timeline never asks)."""
        return self.source.created_by


def current_version(record: SessionRecord) -> Version:
    return versions_of(record)[-1]


def versions_of(record: SessionRecord) -> list[Version]:
    """Every version of the record, oldest first, each with its passes. Uses prefetched
    `amendments` and `passes` when the caller prefetched them (selectors do)."""
    passes = sorted(record.passes.all(), key=lambda p: (p.version, p.position))
    versions = [
        Version(
            version=1,
            performed_at=record.performed_at,
            notes=record.notes,
            at=record.created_at,
            reason="",
            passes=[p for p in passes if p.version == 1],
            source=record,
        )
    ]
    for amendment in sorted(record.amendments.all(), key=lambda a: a.version):
        versions.append(
            Version(
                version=amendment.version,
                performed_at=amendment.performed_at,
                notes=amendment.notes,
                at=amendment.created_at,
                reason=amendment.reason,
                passes=[p for p in passes if p.version == amendment.version],
                source=amendment,
            )
        )
    return versions
