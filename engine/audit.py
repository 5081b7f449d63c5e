"""Checking the audit log's hash chains, anchoring their heads, erasing personal detail."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine import journal
from engine.auditchain import GENESIS, GLOBAL_CHAIN, chain_of, event_hash, private_hash
from engine.models import AuditEvent, AuditHead, Case

if TYPE_CHECKING:  # the audit sits below access: it only passes the actor on to the journal
    from engine.access.rules import Actor

ANCHOR_FORMAT = "damrong-audit-anchor/1"
ERASURE_ACTION = "audit_details_erased"

# What each finding means, in Thai and English (the operator reads both).
PROBLEMS = {
    "unchained": ("เหตุการณ์นี้ไม่อยู่ในสายโซ่ (ถูกแทรกเข้ามา)", "event is not linked (inserted)"),
    "missing": ("เหตุการณ์ก่อนหน้านี้หายไป (ถูกลบ)", "an event before it is missing (deleted)"),
    "duplicate": ("ลำดับซ้ำกับเหตุการณ์อื่น (ถูกแทรก)", "its position repeats another's (inserted)"),
    "broken_link": ("ค่าแฮชก่อนหน้าไม่ตรง (แทรกหรือลบ)", "previous hash does not match (insert/delete)"),
    "reordered": ("ลำดับเหตุการณ์ถูกสลับ", "events were reordered (ids out of order)"),
    "changed": ("เนื้อหาเหตุการณ์ถูกแก้ไข", "event content was changed"),
    "detail_changed": ("รายละเอียดถูกแก้ไข", "its detail or actor label was changed"),
    "head_mismatch": (
        "เหตุการณ์ท้ายสายโซ่หายไปหรือถูกแก้",
        "the last events were removed or changed",
    ),
    "no_head": ("สายโซ่ไม่มีหัวที่บันทึกไว้", "the chain has no recorded head"),
    "no_events": (
        "หัวสายโซ่มีอยู่แต่เหตุการณ์ทั้งหมดหายไป",
        "the head exists but the events are gone",
    ),
    "erased_unrecorded": ("รายละเอียดถูกลบโดยไม่มีบันทึกการลบ", "detail erased without an erasure event"),
    "anchor_missing": (
        "เหตุการณ์ที่ยึดไว้หายไป",
        "the anchored event is gone (tail cut)",
    ),
    "anchor_rewritten": (
        "สายโซ่ถูกเขียนใหม่หลังการยึด",
        "the chain was rewritten after the anchor",
    ),
}


@dataclass(frozen=True)
class Finding:
    """The first bad link of one chain."""

    chain: str
    problem: str
    event_id: int | None = None
    seq: int | None = None

    def as_dict(self) -> dict:
        """The finding as JSON, with its meaning in Thai and English."""
        thai, english = PROBLEMS[self.problem]
        return {
            "chain": self.chain,
            "event_id": self.event_id,
            "seq": self.seq,
            "problem": self.problem,
            "message_th": thai,
            "message_en": english,
        }


@dataclass
class Report:
    """What `verify` found: counts, and the first bad link of each bad chain."""

    chains: int = 0
    events: int = 0
    erased: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every chain verified."""
        return not self.findings

    def as_dict(self) -> dict:
        """The report as JSON."""
        return {
            "ok": self.ok,
            "chains": self.chains,
            "events": self.events,
            "erased_details": self.erased,
            "findings": [finding.as_dict() for finding in self.findings],
        }


@dataclass
class _Walk:
    """One chain being walked: where it should be, and what has been seen."""

    chain: str
    seq: int = 0
    prev: str = GENESIS
    last_id: int = 0
    bad: Finding | None = None
    unrecorded_erasure: Finding | None = None  # until an erasure event vouches for it


def _check(walk: _Walk, event: AuditEvent) -> str | None:
    """What is wrong with the next event of a chain, if anything."""
    if event.chain_seq is None or event.hash is None:
        return "unchained"
    if event.chain_seq > walk.seq + 1:
        return "missing"
    if event.chain_seq <= walk.seq:
        return "duplicate"
    if event.prev_hash != walk.prev:
        return "broken_link"
    if event.id <= walk.last_id:  # ids grow along a chain: the API and timeline list by id
        return "reordered"
    if event_hash(event) != event.hash:
        return "changed"
    if event.private_salt is not None and event.private_hash != private_hash(
        event.private_salt, event.actor_label, event.detail
    ):
        return "detail_changed"
    return None


def _chain_order(chain: str) -> tuple[bool, int, str]:
    """The order chains are walked in: the global one, then by case id (as events are sorted)."""
    return (chain != GLOBAL_CHAIN, len(chain), chain)


def _events(session: Session) -> Iterator[AuditEvent]:
    """Every event, chain by chain, in chain order."""
    query = select(AuditEvent).order_by(
        AuditEvent.case_id.nulls_first(), AuditEvent.chain_seq.nulls_first(), AuditEvent.id
    )
    yield from session.scalars(query.execution_options(yield_per=2000))


def _heads(session: Session) -> Iterator[AuditHead]:
    """Every chain's head, in the order the chains are walked."""
    chain = AuditHead.chain
    query = select(AuditHead).order_by(chain != GLOBAL_CHAIN, func.length(chain), chain)
    yield from session.scalars(query.execution_options(yield_per=2000))


def _walks(session: Session, report: Report, seen: dict[str, int | str]) -> Iterator[_Walk]:
    """Walk every chain once, yielding each as it ends (memory stays flat however many cases)."""
    walk: _Walk | None = None
    for event in _events(session):
        chain = chain_of(event.case_id)
        if walk is None or walk.chain != chain:
            if walk is not None:
                yield walk
            walk = _Walk(chain)
            report.chains += 1
        report.events += 1
        report.erased += event.private_salt is None
        if walk.bad is None:
            _step(walk, event, seen)
    if walk is not None:
        yield walk


def _step(walk: _Walk, event: AuditEvent, seen: dict[str, int | str]) -> None:
    """Take one event into its chain's walk; at an anchored position, note its hash."""
    problem = _check(walk, event)
    if problem is not None:
        walk.bad = Finding(walk.chain, problem, event.id, event.chain_seq)
        return
    walk.seq, walk.prev, walk.last_id = event.chain_seq or 0, event.hash or "", event.id
    _note_erasure(walk, event)
    if seen.get(walk.chain) == walk.seq:  # an anchored position: its seq becomes its hash
        seen[walk.chain] = walk.prev


def _note_erasure(walk: _Walk, event: AuditEvent) -> None:
    """An erased detail must be followed by the erasure event that says so."""
    if event.action == ERASURE_ACTION:
        walk.unrecorded_erasure = None
    elif event.private_salt is None and walk.unrecorded_erasure is None:
        walk.unrecorded_erasure = Finding(
            walk.chain, "erased_unrecorded", event.id, event.chain_seq
        )


def _judge(walk: _Walk, head: AuditHead | None) -> Finding | None:
    """A walked chain's first bad link, or a head that does not end it."""
    if walk.bad is not None or walk.unrecorded_erasure is not None:
        return walk.bad or walk.unrecorded_erasure
    if head is None:
        return Finding(walk.chain, "no_head", seq=walk.seq)
    if (head.seq, head.hash) != (walk.seq, walk.prev):
        return Finding(walk.chain, "head_mismatch", seq=head.seq)
    return None


def _compare(walks: Iterator[_Walk], heads: Iterator[AuditHead]) -> Iterator[Finding]:
    """Match walked chains with their heads, both in chain order; a lone head has lost events."""
    head = next(heads, None)
    for walk in walks:
        while head is not None and _chain_order(head.chain) < _chain_order(walk.chain):
            yield Finding(head.chain, "no_events", seq=head.seq)
            head = next(heads, None)
        matched = head if head is not None and head.chain == walk.chain else None
        if matched is not None:
            head = next(heads, None)
        finding = _judge(walk, matched)
        if finding is not None:
            yield finding
    for lone in [head, *heads] if head is not None else []:
        yield Finding(lone.chain, "no_events", seq=lone.seq)


def _check_anchor(anchor: Mapping, seen: Mapping[str, int | str], found: list) -> list[Finding]:
    """The anchored heads are still in their chains, with the same hashes."""
    already = {finding.chain for finding in found}
    extra = []
    for chain, head in sorted(_anchored(anchor).items()):
        if chain in already or not head["seq"]:
            continue
        if isinstance(seen.get(chain), int):  # the walk never reached the anchored position
            extra.append(Finding(chain, "anchor_missing", seq=head["seq"]))
        elif seen.get(chain) != head["hash"]:
            extra.append(Finding(chain, "anchor_rewritten", seq=head["seq"]))
    return extra


def _anchored(anchor: Mapping) -> dict[str, dict]:
    """The heads of an anchor file; ValueError if it is not one."""
    if not isinstance(anchor, Mapping) or anchor.get("format") != ANCHOR_FORMAT:
        raise ValueError("not a Damrong audit anchor")
    heads = anchor.get("heads")
    if not isinstance(heads, Mapping):
        raise ValueError("not a Damrong audit anchor")
    for head in heads.values():
        if not (isinstance(head, Mapping) and isinstance(head.get("seq"), int)):
            raise ValueError("not a Damrong audit anchor")
        if not isinstance(head.get("hash"), str):
            raise ValueError("not a Damrong audit anchor")
    return dict(heads)


def verify(session: Session, anchor: Mapping | None = None) -> Report:
    """Check every chain link by link, against its head and (if given) an anchor's heads."""
    anchored = _anchored(anchor) if anchor is not None else {}
    seen: dict[str, int | str] = {chain: head["seq"] for chain, head in anchored.items()}
    if session.get_bind().dialect.name == "postgresql" and not session.in_transaction():
        # One snapshot for the events and the heads, while writers keep appending.
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    report = Report()
    report.findings = list(_compare(_walks(session, report, seen), _heads(session)))
    if anchor is not None:
        report.findings += _check_anchor(anchor, seen, report.findings)
    report.findings.sort(key=lambda finding: _chain_order(finding.chain))
    return report


def anchor(session: Session, now: datetime) -> dict:
    """The current head of every chain, for an operator to keep outside the database."""
    heads = session.scalars(select(AuditHead).order_by(AuditHead.chain))
    return {
        "format": ANCHOR_FORMAT,
        "taken_at": now.isoformat(),
        "heads": {head.chain: {"seq": head.seq, "hash": head.hash} for head in heads},
    }


def erase_details(session: Session, case: Case, actor: Actor, now: datetime) -> int:
    """Erase the personal part (detail, salt) of a case's audit events; the chain still verifies."""
    erased = session.execute(
        update(AuditEvent)
        .where(AuditEvent.case_id == case.id, AuditEvent.private_salt.is_not(None))
        .values(detail={}, private_salt=None)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    journal.record(session, case, actor, ERASURE_ACTION, now, detail={"events": erased})
    return erased
