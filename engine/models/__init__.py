"""Typed SQLAlchemy 2 models of the tables the engine's layers share.

A capability's own tables live with it (agency/models.py, open311/models.py, importer/models.py,
notifications/models.py, portal/models.py); damrong/schema.py imports them all for Alembic.
"""

from engine.models.access import RateLimit, SignInDelay, StaffSession
from engine.models.base import Base
from engine.models.cases import (
    Case,
    CaseNote,
    ForwardRequest,
    IdempotencyRecord,
    ProcessDefinition,
    Referral,
    RegistrationCounter,
    WorkflowInstance,
)
from engine.models.files import CaseAttachment, CaseRedaction
from engine.models.privacy import AgencyCaseText, IdentityView
from engine.models.processes import (
    ACTIVATION_STATES,
    MIGRATION_RUN_STATES,
    ROLE_UNITS,
    ActivationRequest,
    MigrationRun,
    MigrationRunCase,
    Process,
    ProcessDraft,
    WorkflowRole,
)
from engine.models.reference import (
    ROLES,
    ApiToken,
    Area,
    Category,
    DirectoryEntry,
    Letterhead,
    OrgUnit,
    User,
)
from engine.models.sla import HolidayOverride, SlaPolicy, SlaRecord
from engine.models.work import AuditEvent, AuditHead, OutboxMessage, Task, Timer

__all__ = [
    "ROLES",
    "ROLE_UNITS",
    "AgencyCaseText",
    "ApiToken",
    "Area",
    "AuditEvent",
    "AuditHead",
    "Base",
    "Case",
    "CaseAttachment",
    "CaseNote",
    "CaseRedaction",
    "Category",
    "DirectoryEntry",
    "ForwardRequest",
    "HolidayOverride",
    "IdentityView",
    "IdempotencyRecord",
    "Letterhead",
    "OrgUnit",
    "OutboxMessage",
    "Process",
    "ProcessDefinition",
    "RateLimit",
    "Referral",
    "RegistrationCounter",
    "SignInDelay",
    "SlaPolicy",
    "SlaRecord",
    "StaffSession",
    "Task",
    "Timer",
    "User",
    "WorkflowInstance",
    "WorkflowRole",
    "ACTIVATION_STATES",
    "ActivationRequest",
    "ProcessDraft",
    "MigrationRun",
    "MigrationRunCase",
    "MIGRATION_RUN_STATES",
]
