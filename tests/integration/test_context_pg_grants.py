"""The context register under the PostgreSQL grants (issue 18, 1): an editor's login records
the climate decision, a party and a requirement, and relinks the controls that answer it (a
DELETE on the link table); a viewer's login is refused by the server itself."""

from __future__ import annotations

import pytest

from tests.integration.test_pg_grants import Setup, apply, made, refused, run

__all__ = ["made"]  # the fixture, shared with the grants tests


def test_an_editor_login_keeps_the_context_register_and_a_viewer_cannot(
        made: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    apply(capsys, made)
    editor = made.url(made.logins["editor"])
    steps = (
        ("context", "climate", "--relevant", "--justification", "Flooding at the depot"),
        ("context", "parties", "add", "Information Commissioner's Office", "--kind",
         "regulator"),
        ("context", "requirements", "add", "IP-001", "Report breaches within 72 hours",
         "--control", "5.24,5.26"),
        ("context", "requirements", "update", "1", "--control", "5.24"),
        ("context", "issues", "add", "Ransomware attacks on councils", "--kind", "external",
         "--category", "technological", "--department", "ENV"),
    )
    for step in steps:
        code, out, err = run(capsys, *step, "--db", editor)
        assert (code, err) == (0, ""), (step, err)
    with made.connect(made.logins["viewer"]) as conn:
        assert conn.execute(
            "SELECT count(*) FROM requirement_control").fetchone() == (1,)
    code, out, err = run(capsys, "context", "issues", "add", "Anything", "--kind", "internal",
                         "--category", "people", "--db", made.url(made.logins["viewer"]))
    assert code == 1 and "may not" in err
    # The server refuses it too, to a login that goes round isms; and the editor deletes no
    # issue (issues are retired, not deleted).
    assert "permission denied" in refused(
        made, made.logins["viewer"], "UPDATE context_issue SET issue = 'x'")
    assert "permission denied" in refused(
        made, made.logins["editor"], "DELETE FROM context_issue")
    code, out, err = run(capsys, "audit", "verify", "--db", made.url(made.logins["viewer"]))
    assert code == 0, err + out
