"""Reference data: areas (DOPA codes), org units, categories, users and their roles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.models.base import Base, JSONType, UTCDateTime

ROLES = ("intake", "screener", "agency_officer", "supervisor", "executive", "designer", "admin")


class Area(Base):
    """A DOPA area: province (2 digits), district (4) or subdistrict (6)."""

    __tablename__ = "areas"
    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    level: Mapped[str] = mapped_column(String(12))
    parent_code: Mapped[str | None] = mapped_column(String(6), index=True)
    name_th: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))

    def __str__(self) -> str:
        return f"{self.name_th} ({self.code})"


class OrgUnit(Base):
    """A complaint center (central, provincial, district) or an agency."""

    __tablename__ = "org_units"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    # central | provincial_center | district_center | agency
    kind: Mapped[str] = mapped_column(String(20))
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    area_code: Mapped[str | None] = mapped_column(String(6), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    hotline: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A center that approves agencies' forwards (and so every center under it): edited in the
    # administration; see engine/cases/forwarding.py.
    forward_needs_approval: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    # Whom a letter to this unit is addressed to (เรียน ปลัดกระทรวงแรงงาน): its head's position;
    # empty: "หัวหน้า" and the unit's name (admin/documents.py).
    head_position_th: Mapped[str | None] = mapped_column(String(200))
    head_position_en: Mapped[str | None] = mapped_column(String(200))

    @property
    def is_agency(self) -> bool:
        """Agencies receive referrals; centers screen and review."""
        return self.kind == "agency"

    def __str__(self) -> str:
        return f"{self.name_th} ({self.code})"


class Category(Base):
    """A complaint category, with the agency cases go to when no routing rule matches."""

    __tablename__ = "categories"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_th: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    default_agency_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    keywords: Mapped[list[str]] = mapped_column(JSONType, default=list)
    group_name: Mapped[str] = mapped_column(String(100), default="")
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The process a new case of this category starts on (its live version).
    process_id: Mapped[str] = mapped_column(
        String(64), default="complaint", server_default="complaint"
    )

    default_agency: Mapped[OrgUnit | None] = relationship()

    def __str__(self) -> str:
        return f"{self.name_th} ({self.code})"


class User(Base):
    """A staff member; belongs to one org unit and holds one or more roles."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    roles: Mapped[list[str]] = mapped_column(JSONType, default=list)
    email: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2), default="th")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The official's position as they sign letters (ตำแหน่ง), under their name in parentheses.
    position: Mapped[str | None] = mapped_column(String(200))

    org_unit: Mapped[OrgUnit] = relationship(lazy="joined")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.username})"


class ApiToken(Base):
    """A bearer token for the REST API; only its SHA-256 hash is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


Index("ix_org_units_kind_area", OrgUnit.kind, OrgUnit.area_code)


class Letterhead(Base):
    """The image at the top of a center's letters (the Garuda emblem or its letterhead), checked
    and re-encoded (engine/reference/letterheads.py); org_unit_id None: the national default.
    A new upload is a new row, so its id names one image for ever (cached by browsers)."""

    __tablename__ = "letterheads"
    __table_args__ = {"sqlite_autoincrement": True}
    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    content_type: Mapped[str] = mapped_column(String(20))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DirectoryEntry(Base):
    """A contact: a center, an agency (linked to its org unit) or a government hotline."""

    __tablename__ = "directory_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)  # org unit code or hotline:<n>
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    kind: Mapped[str] = mapped_column(String(20), index=True)  # center | agency | hotline
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    address_th: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(40))
    hotline: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(200))
    office_hours_th: Mapped[str | None] = mapped_column(String(200))
    office_hours_en: Mapped[str | None] = mapped_column(String(200))
    area_code: Mapped[str | None] = mapped_column(String(6), index=True)  # None: nationwide
    area_name_th: Mapped[str | None] = mapped_column(String(200))
    search_text: Mapped[str] = mapped_column(Text, default="")  # names, area, digits; lower case
    active: Mapped[bool] = mapped_column(Boolean, default=True)
