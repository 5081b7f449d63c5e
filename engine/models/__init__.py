"""Typed SQLAlchemy 2 models; importing this package registers every table."""

from engine.models.agency import (
    CaseAttachment,
    CaseRedaction,
    DirectoryEntry,
    FeedCounter,
    FeedEvent,
    ForwardRequest,
)
from engine.models.base import Base
from engine.models.cases import (
    Case,
    CaseNote,
    IdempotencyRecord,
    ProcessDefinition,
    Referral,
    RegistrationCounter,
    WorkflowInstance,
)
from engine.models.importer import ImportedRecord
from engine.models.notifications import (
    AgencyEndpoint,
    ComplainantPreference,
    NotificationTemplate,
    StaffPreference,
)
from engine.models.open311 import Open311Key, Open311Request, RateLimit
from engine.models.portal import LineLinkCode
from engine.models.reference import ROLES, ApiToken, Area, Category, OrgUnit, User
from engine.models.sla import HolidayOverride, SlaPolicy, SlaRecord
from engine.models.staffweb import SignInThrottle
from engine.models.work import AuditEvent, OutboxMessage, Task, Timer

__all__ = [
    "ROLES",
    "AgencyEndpoint",
    "ApiToken",
    "Area",
    "AuditEvent",
    "Base",
    "Case",
    "CaseAttachment",
    "CaseNote",
    "CaseRedaction",
    "Category",
    "DirectoryEntry",
    "FeedCounter",
    "FeedEvent",
    "ForwardRequest",
    "ComplainantPreference",
    "HolidayOverride",
    "IdempotencyRecord",
    "ImportedRecord",
    "LineLinkCode",
    "NotificationTemplate",
    "Open311Key",
    "Open311Request",
    "OrgUnit",
    "OutboxMessage",
    "ProcessDefinition",
    "RateLimit",
    "Referral",
    "RegistrationCounter",
    "SignInThrottle",
    "SlaPolicy",
    "SlaRecord",
    "StaffPreference",
    "Task",
    "Timer",
    "User",
    "WorkflowInstance",
]
