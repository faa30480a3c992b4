"""The sessions app's tables, one module per idea: the schedule (courses, appointments,
the practice's calendar), lots and equipment, session records, adverse events, outcome
measures and photos, surveys."""

from .events import (
    AdverseEvent,
    AdverseEventFollowUp,
    AdverseEventLot,
    EventOutcome,
    EventSeverity,
    EventType,
)
from .lots import Equipment, EquipmentKind, ProductLot
from .outcomes import GaisScore, OutcomeMeasure, Photo, PhotoPhase, photo_storage
from .records import Pass, PreSessionCheck, SessionAmendment, SessionRecord, Technique
from .scheduling import (
    TARGETS_BY_INDICATION,
    Absence,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Closure,
    Combination,
    Course,
    CourseTarget,
    KindLength,
    OpeningHours,
    RecallEntry,
    Weekday,
    WorkingHours,
)
from .surveys import Rating, Survey, SurveyLink, SurveySource

__all__ = [
    "TARGETS_BY_INDICATION",
    "Absence",
    "AdverseEvent",
    "AdverseEventFollowUp",
    "AdverseEventLot",
    "Appointment",
    "AppointmentKind",
    "AppointmentStatus",
    "Closure",
    "Combination",
    "Course",
    "CourseTarget",
    "Equipment",
    "EquipmentKind",
    "EventOutcome",
    "EventSeverity",
    "EventType",
    "GaisScore",
    "KindLength",
    "OpeningHours",
    "OutcomeMeasure",
    "Pass",
    "Photo",
    "PhotoPhase",
    "PreSessionCheck",
    "ProductLot",
    "Rating",
    "RecallEntry",
    "SessionAmendment",
    "SessionRecord",
    "Survey",
    "SurveyLink",
    "SurveySource",
    "Technique",
    "Weekday",
    "WorkingHours",
    "photo_storage",
]
