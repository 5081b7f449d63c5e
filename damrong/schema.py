"""The whole schema: every package's models, imported in one place for Alembic and the tests."""

from __future__ import annotations

import agency.models
import importer.models
import notifications.models
import open311.models
import portal.models
from engine.models import Base

MODEL_MODULES = (
    agency.models,
    importer.models,
    notifications.models,
    open311.models,
    portal.models,
)
metadata = Base.metadata  # complete once the modules above are imported
