"""`isms departments update | move`, `isms markings list | add` and `isms method scheme` on a
register (file and server): what each writes, read back from the register, and the one-line
refusals a script sees (exit 1 for a rule, 2 for a bad option)."""

from __future__ import annotations

import json

import pytest

from isms.db import Register, commit, os_account
from isms.model import Department
from isms.services import access, classification, records
from isms.services.read import queries
from tests.integration.test_cli import run

pytestmark = pytest.mark.both_backends

Capsys = pytest.CaptureFixture[str]


@pytest.fixture
def tree(register: Register) -> Register:
    """COUNCIL > ENV > WST."""
    with register.transaction(actor="tests") as session:
        council = records.add_department(session, code="COUNCIL", name="Council")
        session.flush()
        env = records.add_department(session, code="ENV", name="Environment",
                                     parent_id=council.id)
        session.flush()
        records.add_department(session, code="WST", name="Waste", parent_id=env.id)
    return register


def _department(register: Register, code: str) -> tuple[str, str, str | None, bool, str, int]:
    with register.session() as session:
        found = session.get(Department, queries.department_id(session, code))
        assert found is not None
        return (found.code, found.name, found.parent.code if found.parent else None,
                found.in_scope, found.description, found.version)


def test_a_department_update_is_saved_and_reverted(
    capsys: Capsys, register_db: str, tree: Register
) -> None:
    code, out, _ = run(capsys, "departments", "update", "ENV", "--name", "Environs", "--code",
                       "ENVS", "--out-of-scope", "--description", " Green spaces ",
                       "--db", register_db)
    assert code == 0
    assert _department(tree, "ENVS") == ("ENVS", "Environs", "COUNCIL", False, "Green spaces", 2)
    change = out.split("(change ")[1].split(";")[0]
    assert out.strip() == (f"Updated department ENVS (Environs). (change {change}; "
                           f"`isms revert {change}` takes it back)")

    code, out, _ = run(capsys, "revert", change, "--db", register_db)
    assert code == 0 and out.startswith("Undid:")
    assert _department(tree, "ENV")[:5] == ("ENV", "Environment", "COUNCIL", True, "")

    code, out, _ = run(capsys, "departments", "update", "Environment", "--out-of-scope",
                       "--json", "--db", register_db)
    assert code == 0
    data = json.loads(out)
    assert {k: data[k] for k in ("code", "in_scope", "parent")} == {
        "code": "ENV", "in_scope": False, "parent": "COUNCIL"}
    assert isinstance(data["change"], int)
    assert _department(tree, "ENV")[3] is False


@pytest.mark.parametrize(("args", "status", "message"), [
    (["ENV"], 2, "Say what to change: --name, --code, --in-scope, --out-of-scope or "
                 "--description."),
    (["ENV", "--code", "WST"], 1, "Another department already has the code WST."),
    (["ENV", "--name", " "], 1, "A department needs a name."),
    (["NOPE", "--name", "X"], 1, "No department 'NOPE' in this register."),
])
def test_a_bad_department_update_is_one_line_and_writes_nothing(
    capsys: Capsys, register_db: str, tree: Register, args: list[str], status: int,
    message: str,
) -> None:
    code, out, err = run(capsys, "departments", "update", *args, "--db", register_db)
    assert (code, out) == (status, "")
    assert err == f"isms: error: {message}\n"
    assert _department(tree, "ENV") == ("ENV", "Environment", "COUNCIL", True, "", 1)


def test_in_and_out_of_scope_together_is_a_usage_error(
    capsys: Capsys, register_db: str, tree: Register
) -> None:
    with pytest.raises(SystemExit) as usage:
        run(capsys, "departments", "update", "ENV", "--in-scope", "--out-of-scope",
            "--db", register_db)
    assert usage.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_a_department_moves_in_the_tree(capsys: Capsys, register_db: str, tree: Register) -> None:
    code, out, _ = run(capsys, "departments", "move", "WST", "--under", "council",
                       "--db", register_db)
    assert code == 0
    assert out.startswith("Department WST is now under COUNCIL (Council). (change ")
    assert _department(tree, "WST")[2] == "COUNCIL"

    code, out, _ = run(capsys, "departments", "move", "ENV", "--top", "--db", register_db)
    assert code == 0 and out.startswith("Department ENV is now at the top of the tree.")
    assert _department(tree, "ENV")[2] is None

    code, out, _ = run(capsys, "departments", "list", "--json", "--db", register_db)
    assert {d["code"]: d["parent"] for d in json.loads(out)} == {
        "COUNCIL": None, "ENV": None, "WST": "COUNCIL"}


@pytest.mark.parametrize(("under", "where"), [
    ("COUNCIL", "itself"),
    ("ENV", "one of its own sub-departments"),
    ("WST", "one of its own sub-departments"),
])
def test_a_move_that_makes_a_loop_is_refused(
    capsys: Capsys, register_db: str, tree: Register, under: str, where: str
) -> None:
    code, out, err = run(capsys, "departments", "move", "COUNCIL", "--under", under,
                         "--db", register_db)
    assert (code, out) == (1, "")
    assert err == (f"isms: error: Council cannot be placed under {where}: a department cannot "
                   "be its own ancestor.\n")
    assert _department(tree, "COUNCIL")[2::3] == (None, 1)


def test_a_move_needs_somewhere_to_go(capsys: Capsys, register_db: str, tree: Register) -> None:
    for args in ([], ["--under", "ENV", "--top"]):
        with pytest.raises(SystemExit) as usage:
            run(capsys, "departments", "move", "WST", *args, "--db", register_db)
        assert usage.value.code == 2
    assert _department(tree, "WST")[2] == "ENV"


def test_a_local_label_is_added_and_listed(capsys: Capsys, register_db: str,
                                           register: Register) -> None:
    code, out, _ = run(capsys, "markings", "add", "Council Confidential", "--as",
                       "official-sensitive", "--db", register_db)
    assert (code, out) == (0, "Added the local label COUNCIL CONFIDENTIAL for "
                              "OFFICIAL-SENSITIVE (Government Security Classifications).\n")
    with register.session() as session:
        assert [m.label for m in classification.current_scheme(session).markings] == [
            "OFFICIAL", "OFFICIAL-SENSITIVE", "COUNCIL CONFIDENTIAL", "SECRET", "TOP SECRET"]

    code, out, _ = run(capsys, "markings", "list", "--json", "--db", register_db)
    assert code == 0
    listed = json.loads(out)
    assert listed["scheme"] == "Government Security Classifications"
    assert [(m["label"], m["rank"], m["stands_for"]) for m in listed["markings"]] == [
        ("OFFICIAL", 1, None),
        ("OFFICIAL-SENSITIVE", 2, None),
        ("COUNCIL CONFIDENTIAL", 3, "OFFICIAL-SENSITIVE"),
        ("SECRET", 4, None),
        ("TOP SECRET", 5, None),
    ]
    code, out, _ = run(capsys, "markings", "list", "--db", register_db)
    assert code == 0
    assert out.splitlines()[0] == "Government Security Classifications, least to most sensitive:"
    assert out.splitlines()[5].split() == ["3", "COUNCIL", "CONFIDENTIAL", "OFFICIAL-SENSITIVE"]


@pytest.mark.parametrize(("args", "message"), [
    (["Council Confidential", "--as", "RESTRICTED"],
     "'RESTRICTED' is not a marking of the Government Security Classifications scheme "
     "(OFFICIAL, OFFICIAL-SENSITIVE, SECRET, TOP SECRET)."),
    (["secret", "--as", "OFFICIAL"],
     "Government Security Classifications already has the marking SECRET."),
    ([" ", "--as", "OFFICIAL"], "A marking needs a label."),
    (["X" * 61, "--as", "OFFICIAL"], "The label is longer than 60 characters."),
])
def test_a_bad_local_label_is_one_line_and_writes_nothing(
    capsys: Capsys, register_db: str, register: Register, args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "markings", "add", *args, "--db", register_db)
    assert (code, out, err) == (1, "", f"isms: error: {message}\n")
    with register.session() as session:
        assert [m.label for m in classification.current_scheme(session).markings] == [
            "OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET"]


def test_the_current_scheme_is_shown_and_chosen(
    capsys: Capsys, register_db: str, register: Register
) -> None:
    code, out, _ = run(capsys, "method", "scheme", "--db", register_db)
    assert code == 0
    assert out.splitlines() == [
        "* Government Security Classifications: OFFICIAL, OFFICIAL-SENSITIVE, SECRET, TOP SECRET",
        "  Government Protective Marking Scheme (2008): UNCLASSIFIED, PROTECT, RESTRICTED, "
        "CONFIDENTIAL, SECRET, TOP SECRET",
        "(* current; `isms method scheme NAME` chooses another)",
    ]
    code, out, _ = run(capsys, "method", "scheme", "government protective marking scheme (2008)",
                       "--db", register_db)
    assert (code, out) == (0, "Government Protective Marking Scheme (2008) is now the current "
                              "scheme: new markings are chosen from it.\n")
    with register.session() as session:
        assert classification.current_scheme(session).name == (
            "Government Protective Marking Scheme (2008)")
    code, out, _ = run(capsys, "method", "scheme", "--json", "--db", register_db)
    assert [(s["name"], s["current"]) for s in json.loads(out)] == [
        ("Government Security Classifications", False),
        ("Government Protective Marking Scheme (2008)", True),
    ]
    code, out, _ = run(capsys, "markings", "list", "--json", "--db", register_db)
    assert [m["label"] for m in json.loads(out)["markings"]][:2] == ["UNCLASSIFIED", "PROTECT"]


def test_an_unknown_scheme_is_refused(capsys: Capsys, register_db: str,
                                      register: Register) -> None:
    code, out, err = run(capsys, "method", "scheme", "GPMS", "--db", register_db)
    assert (code, out) == (1, "")
    assert err == ("isms: error: No classification scheme 'GPMS' (the register has: Government "
                   "Security Classifications, Government Protective Marking Scheme (2008)).\n")
    with register.session() as session:
        assert classification.current_scheme(session).name == "Government Security Classifications"


@pytest.mark.sqlite_only(reason="acts as another OS user; a server register acts as its login")
def test_only_an_administrator_chooses_the_scheme(
    capsys: Capsys, register_db: str, register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    me = os_account.account_name()
    with register.transaction(actor=me) as session:
        admin = records.add_person(session, name="Ada Admin", roles={"administrator"})
        access.set_username(session, admin, me)
        editor = records.add_person(session, name="Ed Editor", roles={"smg member"})
        access.set_username(session, editor, "ed")
        commit(session)
    monkeypatch.setattr(os_account, "current_account", lambda: os_account.OsAccount("ed", 1001))
    code, out, err = run(capsys, "method", "scheme", "Government Protective Marking Scheme (2008)",
                         "--db", register_db)
    assert (code, out) == (1, "")
    assert err.startswith("isms: error: ") and "administrator" in err and err.count("\n") == 1
    code, _, err = run(capsys, "markings", "add", "Council Confidential", "--as", "OFFICIAL",
                       "--db", register_db)
    assert code == 1 and "administrator" in err
    with register.session() as session:
        assert classification.current_scheme(session).name == "Government Security Classifications"
        assert len(classification.markings(session)) == 4
