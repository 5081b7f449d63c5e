"""A demo world where every role can act at once: one province, one district, two agencies."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.access import accounts, tokens
from engine.access.rules import Actor
from engine.cases import intake, tasks
from engine.clock import Clock
from engine.models import OrgUnit, Task, User
from engine.workflow import messages
from open311 import keys

PASSWORD = "damrong1567"
PROVINCE, DISTRICT, SUBDISTRICT = "50", "5001", "500101"  # เชียงใหม่ / เมืองเชียงใหม่ / ศรีภูมิ
DEMO_USERS = [
    ("intake1", "c5001", ["intake"], "เจ้าหน้าที่รับเรื่อง อำเภอเมืองเชียงใหม่"),
    ("screener1", "c5001", ["screener"], "เจ้าหน้าที่กลั่นกรอง อำเภอเมืองเชียงใหม่"),
    ("supervisor1", "c5001", ["supervisor", "screener"], "หัวหน้าศูนย์ อำเภอเมืองเชียงใหม่"),
    ("screener50", "c50", ["screener"], "เจ้าหน้าที่กลั่นกรอง จังหวัดเชียงใหม่"),
    ("labour1", "mol", ["agency_officer"], "เจ้าหน้าที่ กระทรวงแรงงาน"),
    ("local1", "dla", ["agency_officer"], "เจ้าหน้าที่ กรมส่งเสริมการปกครองท้องถิ่น"),
    ("executive1", "c50", ["executive"], "ผู้บริหาร จังหวัดเชียงใหม่"),
    ("designer1", "central", ["designer"], "ผู้ออกแบบกระบวนงาน"),
    ("admin", "central", ["admin"], "ผู้ดูแลระบบ"),
]
# Sample cases, each driven to one stage: (title, category, steps)
SAMPLES = [
    ("ถนนหน้าหมู่บ้านเป็นหลุมบ่อ น้ำท่วมขังทุกครั้งที่ฝนตก", "local_nuisance", []),
    ("นายจ้างค้างจ่ายค่าจ้างสองเดือน", "labour", ["info"]),
    ("โรงงานปล่อยกลิ่นเหม็นตอนกลางคืน", "local_nuisance", ["refer"]),
    ("ลูกจ้างถูกเลิกจ้างโดยไม่ได้รับค่าชดเชย", "labour", ["refer", "ack", "progress"]),
    ("ไม่ได้รับเงินประกันสังคมกรณีว่างงาน", "labour", ["refer", "ack", "result"]),
    ("ขยะไม่มีผู้มาเก็บเป็นเวลาสามสัปดาห์", "local_nuisance", ["refer", "ack", "result", "accept"]),
    ("ร้องเรียนซ้ำเรื่องเดิม ทดสอบการปฏิเสธ", "other", ["reject"]),
    ("ขอถอนเรื่องเพราะตกลงกันได้แล้ว", "labour", ["withdraw"]),
]


DEMO_PARTNERS = [("ทางรัฐ (demo super-app)", 60)]


def build(factory: sessionmaker[Session], clock: Clock) -> dict:
    """Create the demo users (with tokens) and sample cases; returns what `--json` prints."""
    out: dict = {"users": [], "partner_keys": []}
    with factory.begin() as session:
        if session.scalar(select(User.id).where(User.username == "admin")) is not None:
            # Tokens are stored hashed, so a second run can only name the users.
            out["users"] = [
                {
                    "username": u,
                    "password": PASSWORD,
                    "token": None,
                    "role": r[0],
                    "roles": r,
                    "org_unit": unit,
                }
                for u, unit, r, _ in DEMO_USERS
            ]
            return out
        for username, unit, roles, name in DEMO_USERS:
            user = accounts.create_user(session, clock(), username, PASSWORD, unit, roles, name)
            token = tokens.issue_token(session, clock(), user, "demo")
            area = session.scalar(select(OrgUnit.area_code).where(OrgUnit.code == unit))
            out["users"].append(
                {
                    "username": username,
                    "password": PASSWORD,
                    "token": token,
                    "role": roles[0],
                    "roles": roles,
                    "org_unit": unit,
                    "area_code": area,
                }
            )
        # A partner app (the government's super-app, say) filing through Open311.
        for name, per_minute in DEMO_PARTNERS:
            key = keys.issue_key(session, clock(), name, per_minute)
            out["partner_keys"].append({"name": name, "api_key": key, "per_minute": per_minute})
    for title, category, steps in SAMPLES:
        _sample(factory, clock, title, category, steps)
    return out


def _actor(session: Session, username: str) -> Actor:
    return Actor.for_user(session.scalar(select(User).where(User.username == username)))


def _complete(factory, clock, username: str, case_id: int, data: dict) -> None:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        actor = _actor(session, username)
        task = session.scalar(
            select(Task)
            .where(
                Task.case_id == case_id,
                Task.org_unit_id == actor.org_unit_id,
                Task.role.in_(actor.roles),
            )
            .order_by(Task.id)
        )
        tasks.claim(session, clock, actor, task.id)
        tasks.complete_task(session, clock, actor, task.id, data)


def _sample(factory, clock, title: str, category: str, steps: list[str]) -> None:  # type: ignore[no-untyped-def]
    with factory.begin() as session:
        opened = intake.open_case(
            session,
            clock,
            _actor(session, "intake1"),
            {
                "title": title,
                "description": title + " ผู้ร้องขอให้หน่วยงานที่เกี่ยวข้องตรวจสอบและแก้ไขโดยเร็ว",
                "category": category,
                "area_code": SUBDISTRICT,
                "channel": "walk_in",
                "consent": True,
                "complainant": {
                    "name": "สมชาย ใจดี",
                    "phone": "0812345678",
                    "national_id": "1101700230708",
                },
            },
        )
        case_id = opened.case.id
    agency = "mol" if category == "labour" else "dla"
    officer = "labour1" if agency == "mol" else "local1"
    for step in steps:
        if step == "info":
            _complete(
                factory,
                clock,
                "screener1",
                case_id,
                {"decision": "request_info", "question": "ขอสำเนาสัญญาจ้างงาน"},
            )
        elif step == "refer":
            _complete(factory, clock, "screener1", case_id, {"decision": "refer"})
        elif step == "reject":
            _complete(
                factory,
                clock,
                "screener1",
                case_id,
                {"decision": "reject", "reason": "ไม่อยู่ในอำนาจหน้าที่ของศูนย์"},
            )
        elif step == "ack":
            _complete(factory, clock, officer, case_id, {})
        elif step == "progress":
            _complete(
                factory,
                clock,
                officer,
                case_id,
                {"action": "progress", "progress_note": "ส่งเจ้าหน้าที่ลงพื้นที่ตรวจสอบแล้ว"},
            )
        elif step == "result":
            _complete(
                factory,
                clock,
                officer,
                case_id,
                {"action": "result", "result_text": "ดำเนินการแก้ไขเรียบร้อยแล้ว"},
            )
        elif step == "accept":
            _complete(factory, clock, "screener1", case_id, {"review_decision": "accept"})
        elif step == "withdraw":
            with factory.begin() as session:
                messages.send_message(
                    session, clock, Actor.citizen(case_id), case_id, "withdraw", "ตกลงกันได้แล้ว"
                )


def command() -> str:
    """How to call `damrong` from here: the name alone when it is on PATH, else its path (make
    run starts it as .venv/bin/damrong, which a fresh shell does not find by name)."""
    import shutil
    import sys
    from pathlib import Path

    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is None or script.name != "damrong":
        script = Path(sys.executable).with_name("damrong")
    found = shutil.which("damrong")
    if found and Path(found).resolve() == script.resolve():
        return "damrong"
    try:
        return str(script.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(script.resolve())


def describe(world: dict) -> str:
    """Demo logins as a short table for the terminal."""
    lines = ["Demo users (password for all: " + PASSWORD + "):"]
    for user in world.get("users", []):
        token = user["token"] or f"(new token: {command()} users token {user['username']})"
        lines.append(
            f"  {user['username']:<12} {','.join(user['roles']):<22} "
            f"{user['org_unit']:<8} token {token}"
        )
    return "\n".join(lines)
