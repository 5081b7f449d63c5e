"""The agencies' search copy of each case: its title and description as the identity filter
shows them to agencies (table `agency_case_texts`, indexed for trigram search, migration 0016).

An agency searching the original text could rebuild what the filter hides one digit at a time,
so its words are matched only against this copy. The copy is kept in step on every commit that
changes a case's text, confidentiality, complainant or redacted terms (a session hook the
composition root installs), and rebuilt for every case whose copy was made under older filter
rules (`redaction.RULES_VERSION`): by `damrong reindex` and by the scheduler's `search_reindex`.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from engine.access import redaction
from engine.clock import Clock
from engine.models import AgencyCaseText, Case, CaseRedaction

# What the filtered copy depends on: a change to any of these rewrites it.
FIELDS = (
    "title",
    "description",
    "confidential",
    "anonymous",
    "complainant_name",
    "complainant_phone",
    "complainant_national_id",
    "complainant_email",
    "complainant_line_user_id",
)
BATCH = 500
_PENDING = "damrong_search_pending"


def refresh(session: Session, case: Case) -> AgencyCaseText:
    """Write the case's filtered copy as the filter would show it to agencies now."""
    clean = redaction.for_case(session, case)
    row = session.get(AgencyCaseText, case.id)
    if row is None:
        row = AgencyCaseText(case_id=case.id)
        session.add(row)
    row.title = clean.text(case.title) or ""
    row.description = clean.text(case.description) or ""
    row.rules_version = redaction.RULES_VERSION
    row.updated_at = case.updated_at or case.created_at
    return row


def stale_case_ids(session: Session, limit: int = BATCH) -> list[int]:
    """Cases without a copy made under the current filter rules."""
    current = select(AgencyCaseText.case_id).where(
        AgencyCaseText.rules_version == redaction.RULES_VERSION
    )
    query = select(Case.id).where(Case.id.not_in(current)).order_by(Case.id).limit(limit)
    return list(session.scalars(query))


def all_case_ids(session: Session) -> list[int]:
    """Every case, for a full rebuild."""
    return list(session.scalars(select(Case.id).order_by(Case.id)))


def rebuild(session: Session, case_ids: Iterable[int] | None = None) -> int:
    """Rewrite the copies of these cases (default: a batch of stale ones); how many."""
    ids = list(case_ids) if case_ids is not None else stale_case_ids(session)
    for case_id in ids:
        case = session.get(Case, case_id)
        if case is not None:
            refresh(session, case)
    session.flush()
    return len(ids)


def reindex_stale(factory: sessionmaker[Session], _clock: Clock) -> int:
    """The scheduler's job: rebuild stale copies, one batch per transaction, until none is left."""
    total = 0
    while True:
        with factory.begin() as session:
            done = rebuild(session)
        total += done
        if done < BATCH:
            return total


def install(factory: sessionmaker[Session]) -> None:
    """Keep the copies in step on every session this factory makes (the composition root)."""
    if getattr(factory, "_damrong_search_copy", False):
        return
    event.listen(factory, "before_flush", _collect)
    event.listen(factory, "before_commit", _write_on_commit)
    event.listen(factory, "after_rollback", _forget)
    factory._damrong_search_copy = True  # type: ignore[attr-defined]


def _changed(case: Case) -> bool:
    state = case.__dict__.get("_sa_instance_state")
    return state is not None and any(state.attrs[f].history.has_changes() for f in FIELDS)


def _collect(session: Session, _context, _instances) -> None:  # type: ignore[no-untyped-def]
    """Remember the cases whose filtered copy this transaction changes."""
    cases = [o for o in session.new if isinstance(o, Case)]
    cases += [o for o in session.dirty if isinstance(o, Case) and _changed(o)]
    ids = {
        o.case_id
        for o in (*session.new, *session.deleted)
        if isinstance(o, CaseRedaction) and o.case_id is not None
    }
    if cases or ids:
        pending = session.info.setdefault(_PENDING, {"cases": [], "ids": set()})
        pending["cases"].extend(cases)
        pending["ids"] |= ids


def _write_on_commit(session: Session) -> None:
    """Rewrite the copies of the cases this transaction changed, just before COMMIT."""
    if _PENDING not in session.info:
        return
    session.flush()  # new cases get their ids; changes still pending are collected
    pending = session.info.pop(_PENDING)
    ids = pending["ids"] | {c.id for c in pending["cases"] if c.id is not None}
    rebuild(session, sorted(ids))


def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)
