"""The audit log is hash-chained: verify finds a changed, inserted or deleted event, an anchor
finds a consistently rewritten tail, and erasing personal detail keeps the chain whole."""

from __future__ import annotations

from sqlalchemy import select, text

from engine import audit, auditchain, journal
from engine.access.rules import Actor
from engine.cases import intake
from engine.models import AuditEvent, AuditHead, Case
from open311 import keys
from tests.engine.helpers import complete, open_case

NAME, PHONE = "สมหญิง รักงาน", "0812345678"  # the complainant of intake_data()


def build(factory, clock, staff) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Two cases with a few events each, and events without a case; returns the case ids."""
    first, *_ = open_case(factory, clock, staff["intake"])
    second, *_ = open_case(factory, clock, staff["intake"])
    complete(
        factory,
        clock,
        staff["screener"],
        first,
        "screen",
        {"decision": "resolve", "reason": "ชี้แจงแล้ว"},
    )
    with factory.begin() as session:
        intake.add_comment(session, clock, staff["screener"], first, f"โทรหา {NAME} ที่ {PHONE}")
        keys.issue_key(session, clock(), "super-app")
        keys.issue_key(session, clock(), "line-oa")
    return first, second


def verify(factory, anchor=None) -> audit.Report:  # type: ignore[no-untyped-def]
    with factory() as session:
        return audit.verify(session, anchor)


def chain(factory, case_id: int | None) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with factory() as session:
        where = AuditEvent.case_id.is_(None) if case_id is None else AuditEvent.case_id == case_id
        return list(session.scalars(select(AuditEvent).where(where).order_by(AuditEvent.chain_seq)))


def tamper(factory, sql: str, **params) -> None:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        session.execute(text(sql), params)


def only_finding(report: audit.Report) -> audit.Finding:
    assert not report.ok
    (finding,) = report.findings
    return finding


def test_every_event_is_linked_to_the_one_before_in_its_chain(factory, clock, staff):
    first, second = build(factory, clock, staff)
    report = verify(factory)
    assert report.ok and report.chains == 3 and report.erased == 0
    for case_id in (first, second, None):
        events = chain(factory, case_id)
        assert [e.chain_seq for e in events] == list(range(1, len(events) + 1))
        assert events[0].prev_hash == auditchain.GENESIS
        assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert len(chain(factory, None)) == 2


def record_personal(factory, clock, case_id: int) -> None:  # type: ignore[no-untyped-def]
    """An event whose detail and actor label hold a complainant's name and phone."""
    with factory.begin() as session:
        case = session.get(Case, case_id)
        actor = Actor(kind="citizen", label=NAME, case_id=case_id)
        journal.record(session, case, actor, "contacted", clock(), detail={"phone": PHONE})


def test_the_hashed_digest_holds_no_personal_data(factory, clock, staff):
    first, _ = build(factory, clock, staff)
    record_personal(factory, clock, first)
    events = chain(factory, first)
    assert events[-1].detail == {"phone": PHONE}
    for event in events:
        digest = auditchain.canonical(auditchain.digest(event)).decode("unicode_escape")
        assert NAME not in digest and PHONE not in digest and "screener" not in digest


def test_a_changed_action_is_named_by_chain_and_event(factory, clock, staff):
    first, _ = build(factory, clock, staff)
    target = chain(factory, first)[1]
    tamper(
        factory, "UPDATE audit_events SET action = 'resolved_quietly' WHERE id = :id", id=target.id
    )
    finding = only_finding(verify(factory))
    assert (finding.chain, finding.event_id, finding.problem) == (
        f"case:{first}",
        target.id,
        "changed",
    )


def test_a_changed_time_or_actor_or_moved_event_is_found(factory, clock, staff):
    first, second = build(factory, clock, staff)
    events = chain(factory, first)
    tamper(factory, "UPDATE audit_events SET actor_id = NULL WHERE id = :id", id=events[2].id)
    assert only_finding(verify(factory)).event_id == events[2].id
    tamper(
        factory, "UPDATE audit_events SET case_id = :c WHERE id = :id", c=second, id=events[-1].id
    )
    chains = {f.chain for f in verify(factory).findings}
    assert chains == {f"case:{first}", f"case:{second}"}


def test_events_swapped_in_the_order_staff_and_citizens_read_are_found(factory, clock, staff):
    first, _ = build(factory, clock, staff)
    events = chain(factory, first)
    a, b = events[1].id, events[2].id
    spare = 10**9
    for old, new in ((a, spare), (b, a), (spare, b)):
        tamper(factory, "UPDATE audit_events SET id = :new WHERE id = :old", new=new, old=old)
    finding = only_finding(verify(factory))
    assert (finding.chain, finding.problem) == (f"case:{first}", "reordered")


def test_a_changed_detail_is_found_while_the_chain_itself_still_links(factory, clock, staff):
    first, _ = build(factory, clock, staff)
    key_event = chain(factory, None)[0]
    tamper(
        factory,
        "UPDATE audit_events SET detail = :d WHERE id = :id",
        d='{"key_id": 999, "name": "evil", "requests_per_minute": 100000}',
        id=key_event.id,
    )
    finding = only_finding(verify(factory))
    assert (finding.chain, finding.event_id, finding.problem) == (
        "global",
        key_event.id,
        "detail_changed",
    )


def test_a_deleted_event_in_the_middle_is_found_at_the_next(factory, clock, staff):
    first, _ = build(factory, clock, staff)
    events = chain(factory, first)
    tamper(factory, "DELETE FROM audit_events WHERE id = :id", id=events[1].id)
    finding = only_finding(verify(factory))
    assert (finding.chain, finding.event_id, finding.problem) == (
        f"case:{first}",
        events[2].id,
        "missing",
    )


def test_a_deleted_last_event_leaves_the_head_ahead(factory, clock, staff):
    _, second = build(factory, clock, staff)
    last = chain(factory, second)[-1]
    tamper(factory, "DELETE FROM audit_events WHERE id = :id", id=last.id)
    finding = only_finding(verify(factory))
    assert (finding.chain, finding.problem, finding.seq) == (
        f"case:{second}",
        "head_mismatch",
        last.chain_seq,
    )


def test_a_whole_deleted_chain_leaves_its_head(factory, clock, staff):
    _, second = build(factory, clock, staff)
    tamper(factory, "DELETE FROM audit_events WHERE case_id = :c", c=second)
    assert only_finding(verify(factory)).problem == "no_events"


def test_an_inserted_event_is_found(factory, clock, staff):
    first, _ = build(factory, clock, staff)
    tamper(
        factory,
        "INSERT INTO audit_events (case_id, at, actor_label, action, public, detail)"
        " VALUES (:c, :at, 'screener', 'status_changed', :f, '{}')",
        c=first,
        at=clock().replace(tzinfo=None),
        f=False,
    )
    finding = only_finding(verify(factory))
    assert (finding.chain, finding.problem) == (f"case:{first}", "unchained")


def test_an_inserted_event_posing_as_the_next_link_is_found(factory, clock, staff):
    first, _ = build(factory, clock, staff)
    last = chain(factory, first)[-1]
    copy_last_as_next(factory, last, action="closed_quietly")
    finding = only_finding(verify(factory))
    assert (finding.chain, finding.problem) == (f"case:{first}", "changed")


def copy_last_as_next(factory, last: AuditEvent, action: str) -> None:  # type: ignore[no-untyped-def]
    """What an attacker with SQL access would insert: a plausible next link with a made-up hash."""
    tamper(
        factory,
        "INSERT INTO audit_events (case_id, at, actor_id, actor_kind, actor_label, action, public,"
        " detail, chain_seq, prev_hash, hash, private_hash, private_salt)"
        " SELECT case_id, at, actor_id, actor_kind, actor_label, :action, public, detail,"
        " chain_seq + 1, hash, :fake, private_hash, private_salt FROM audit_events WHERE id = :id",
        action=action,
        fake="f" * 64,
        id=last.id,
    )


def rewrite_tail(factory, case_id: int, from_seq: int, action: str) -> None:  # type: ignore[no-untyped-def]
    """Change one event and re-hash it and every later one, head included: a consistent forgery."""
    with factory.begin() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.chain_seq)
        ).all()
        prev = events[from_seq - 2].hash if from_seq > 1 else auditchain.GENESIS
        for event in events[from_seq - 1 :]:
            if event.chain_seq == from_seq:
                event.action = action
            event.prev_hash = prev
            event.hash = prev = auditchain.event_hash(event)
        session.get(AuditHead, f"case:{case_id}").hash = prev


def anchor_now(factory, clock) -> dict:  # type: ignore[no-untyped-def]
    with factory() as session:
        return audit.anchor(session, clock())


def test_a_consistently_rewritten_tail_passes_alone_but_not_against_the_anchor(
    factory, clock, staff
):
    first, _ = build(factory, clock, staff)
    anchor = anchor_now(factory, clock)
    assert anchor["format"] == audit.ANCHOR_FORMAT and len(anchor["heads"]) == 3
    assert verify(factory, anchor).ok
    rewrite_tail(factory, first, from_seq=2, action="rejected")
    assert verify(factory).ok  # without an anchor a full re-hash cannot be told apart
    finding = only_finding(verify(factory, anchor))
    assert (finding.chain, finding.problem) == (f"case:{first}", "anchor_rewritten")


def test_events_added_after_the_anchor_still_verify_against_it(factory, clock, staff):
    first, second = build(factory, clock, staff)
    anchor = anchor_now(factory, clock)
    with factory.begin() as session:
        intake.add_comment(session, clock, staff["screener"], second, "ติดตามแล้ว")
    open_case(factory, clock, staff["intake"])
    assert verify(factory, anchor).ok


def test_a_cut_tail_with_its_head_moved_back_is_found_by_the_anchor(factory, clock, staff):
    first, _ = build(factory, clock, staff)
    anchor = anchor_now(factory, clock)
    events = chain(factory, first)
    tamper(factory, "DELETE FROM audit_events WHERE id = :id", id=events[-1].id)
    tamper(
        factory,
        "UPDATE audit_heads SET seq = seq - 1, hash = :h WHERE chain = :c",
        h=events[-2].hash,
        c=f"case:{first}",
    )
    assert verify(factory).ok
    finding = only_finding(verify(factory, anchor))
    assert (finding.chain, finding.problem) == (f"case:{first}", "anchor_missing")


def test_a_hostile_anchor_is_refused_not_trusted(factory, clock, staff):
    build(factory, clock, staff)
    for hostile in (
        {},
        {"format": "x", "heads": {}},
        {"format": audit.ANCHOR_FORMAT, "heads": []},
        {"format": audit.ANCHOR_FORMAT, "heads": {"global": {"seq": "1", "hash": 1}}},
    ):
        try:
            verify(factory, hostile)
        except ValueError:
            continue
        raise AssertionError(f"accepted {hostile!r}")


def test_erasing_a_complainants_detail_keeps_the_chain_verifying(factory, clock, staff):
    first, _ = build(factory, clock, staff)
    record_personal(factory, clock, first)
    with factory.begin() as session:
        case = session.get(Case, first)
        erased = audit.erase_details(session, case, Actor.system("pdpa"), clock())
    events = chain(factory, first)
    assert erased == len(events) - 1
    assert all(e.detail == {} and e.private_salt is None for e in events[:-1])
    assert PHONE not in str([(e.detail, e.private_hash) for e in events])
    assert events[-1].action == "audit_details_erased" and events[-1].detail == {"events": erased}
    report = verify(factory)
    assert report.ok and report.erased == erased


def test_an_erasure_without_its_erasure_event_is_found(factory, clock, staff):
    first, _ = build(factory, clock, staff)
    record_personal(factory, clock, first)
    last = chain(factory, first)[-1]
    tamper(
        factory,
        "UPDATE audit_events SET detail = '{}', private_salt = NULL WHERE id = :id",
        id=last.id,
    )
    finding = only_finding(verify(factory))
    assert (finding.chain, finding.event_id, finding.problem) == (
        f"case:{first}",
        last.id,
        "erased_unrecorded",
    )


def test_heads_and_chains_meet_in_one_order_across_digit_counts(factory):
    chains = ["case:100", "case:9", "global", "case:10", "case:11"]
    with factory.begin() as session:
        session.add_all(AuditHead(chain=c, seq=1, hash="a" * 64) for c in chains)
    with factory() as session:
        ordered = [head.chain for head in audit._heads(session)]
    assert ordered == ["global", "case:9", "case:10", "case:11", "case:100"]
    walks = [audit._Walk(c, seq=1, prev="a" * 64) for c in ordered if c != "case:11"]
    with factory() as session:
        found = list(audit._compare(iter(walks), audit._heads(session)))
    assert [(f.chain, f.problem) for f in found] == [("case:11", "no_events")]


def test_a_rolled_back_savepoint_leaves_the_chain_whole(factory, clock, staff):
    # The importer keeps each row in a savepoint: a row that fails must not leave a gap or a
    # fork in the chain that the rows after it (in the same transaction) continue from.
    case_id, *_ = open_case(factory, clock, staff["intake"])
    actor = staff["screener"]
    with factory.begin() as session:
        case = session.get(Case, case_id)
        journal.record(session, case, actor, "before_savepoint", clock())
        savepoint = session.begin_nested()
        journal.record(session, case, actor, "rolled_back", clock())
        session.flush()
        savepoint.rollback()
        journal.record(session, case, actor, "after_savepoint", clock())
        with session.begin_nested():
            journal.record(session, case, actor, "kept_in_savepoint", clock())
        journal.record(session, case, actor, "last", clock())
    actions = [event.action for event in chain(factory, case_id)]
    assert actions[-4:] == ["before_savepoint", "after_savepoint", "kept_in_savepoint", "last"]
    assert verify(factory).ok
