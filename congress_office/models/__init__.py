from .archive import (
    ArchiveCodeChange,
    ArchiveItem,
    Fonds,
    OrgCode,
    Retention,
    RetentionClass,
    RetentionRule,
)
from .cases import (
    AssignmentMode,
    AssignmentRole,
    BaseCase,
    Case,
    CaseAssignment,
    CaseEvent,
    CaseQuerySet,
    CaseRating,
    CaseReply,
    CaseSupervision,
    ExtensionRequest,
    ExtensionRequestState,
)
from .deadlines import Deadline, DeadlineExtension, DeadlineRule, DeadlineState, Holiday, Reminder
from .notifications import Notification
from .pdf import PdfJob, PdfJobStatus
from .places import Township, TownshipQuerySet, Unit, UnitKind
from .users import User

__all__ = [
    "ArchiveCodeChange",
    "ArchiveItem",
    "Fonds",
    "OrgCode",
    "Retention",
    "RetentionClass",
    "RetentionRule",
    "AssignmentMode",
    "AssignmentRole",
    "BaseCase",
    "Case",
    "CaseAssignment",
    "CaseEvent",
    "CaseQuerySet",
    "CaseRating",
    "CaseReply",
    "CaseSupervision",
    "Deadline",
    "DeadlineExtension",
    "DeadlineRule",
    "DeadlineState",
    "ExtensionRequest",
    "ExtensionRequestState",
    "Holiday",
    "Notification",
    "PdfJob",
    "PdfJobStatus",
    "Reminder",
    "Township",
    "TownshipQuerySet",
    "Unit",
    "UnitKind",
    "User",
]
