"""The triggers `isms access grants` adds where grants cannot say enough: the change log is
append-only and written in the writer's own name, approvals need the approver's role, a
signature is confirmed only by its signer, and a login limited to departments changes only
their records. Each is a PL/pgSQL function of the register's schema; the statements are only
those missing (a function whose source differs is replaced), so applying twice changes nothing.
The tables' owner is exempt from all but the change log's append-only rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from .access_guard import Level
from .grant_catalog import LOG_TABLE, Catalog, quote


def statements(catalog: Catalog) -> list[str]:
    """Every function and trigger missing from the register's schema, in the order to run."""
    return [*_trigger_statements(catalog), *_limit_statements(catalog)]


# --- the change log's triggers -------------------------------------------------------------

#: Function name -> its body. No percent signs or colons: the statements go through the driver.
_FUNCTIONS = {
    "isms_change_log_append_only": """
BEGIN
    RAISE EXCEPTION USING
        ERRCODE = 'insufficient_privilege',
        MESSAGE = 'The change log is append-only: ' || TG_OP || ' of change_log by '
            || current_user || ' refused.',
        HINT = 'Entries are added, never changed or removed; see isms audit verify.';
END
""",
    "isms_change_log_actor_is_login": """
BEGIN
    IF NEW.actor IS DISTINCT FROM current_user::text
       AND NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID),
                           'MEMBER') THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = 'A change log entry in the name of ' || coalesce(NEW.actor, 'nobody')
                || ' written by ' || current_user || ' refused: entries name the login '
                || 'that writes them.';
    END IF;
    RETURN NEW;
END
""",
}

_TRIGGERS = {
    "isms_change_log_no_update_delete":
        "BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW "
        "EXECUTE FUNCTION {schema}.isms_change_log_append_only()",
    "isms_change_log_no_truncate":
        "BEFORE TRUNCATE ON {table} FOR EACH STATEMENT "
        "EXECUTE FUNCTION {schema}.isms_change_log_append_only()",
    "isms_change_log_actor":
        "BEFORE INSERT ON {table} FOR EACH ROW "
        "EXECUTE FUNCTION {schema}.isms_change_log_actor_is_login()",
}


#: An approval made in a row an editor may otherwise write: an acceptance given an approver,
#: a meeting signed off. Column grants cannot say "any status but signed off", so a trigger
#: on each table asks whether the login holds the approver's role (the owner is exempt). The
#: approver role's name is filled in per register ({approver}, a quoted SQL string).
_APPROVALS = """
DECLARE
    approving boolean;
BEGIN
    IF TG_TABLE_NAME = 'risk_acceptance' THEN
        approving := NEW.approved_by_id IS NOT NULL AND (TG_OP = 'INSERT'
            OR OLD.approved_by_id IS DISTINCT FROM NEW.approved_by_id);
    ELSE
        approving := NEW.status = 'signed off' AND (TG_OP = 'INSERT'
            OR OLD.status IS DISTINCT FROM NEW.status);
    END IF;
    IF approving
       AND NOT pg_has_role(current_user, {approver}, 'MEMBER')
       AND NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID),
                           'MEMBER') THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = 'Only an approver approves: ' || TG_TABLE_NAME || ' ' || NEW.id
                || ' approved by ' || current_user || ' refused (needs ' || {approver} || ').';
    END IF;
    RETURN NEW;
END
"""
#: Tables whose approvals the trigger above guards.
_APPROVAL_TABLES = ("risk_acceptance", "review_meeting")


#: A signature is the signer's act: a row is recorded in the name of the login writing it, and
#: only the signer's own login confirms it (inserted confirmed, or moved to confirmed) or
#: changes whose a confirmed signature is. Declining stays open to the recorder (declining one
#: signature of a decision declines the others awaiting). The owner is exempt.
_SIGNATURES = """
BEGIN
    IF pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID),
                   'MEMBER') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' AND NEW.recorded_by IS DISTINCT FROM current_user::text THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = 'A signature recorded in the name of ' || coalesce(NEW.recorded_by, 'nobody')
                || ' by ' || current_user || ' refused: signatures name the login that '
                || 'records them.';
    END IF;
    IF NEW.state = 'confirmed' AND (TG_OP = 'INSERT' OR OLD.state IS DISTINCT FROM 'confirmed'
                                    OR OLD.signer_id IS DISTINCT FROM NEW.signer_id)
       AND NOT EXISTS (SELECT 1 FROM {schema}.person WHERE id = NEW.signer_id
                       AND lower(username) = lower(current_user::text)) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = 'Only the signer confirms a signature: ' || NEW.kind || ' signature of '
                || coalesce((SELECT name FROM {schema}.person WHERE id = NEW.signer_id), '?')
                || ' confirmed by ' || current_user || ' refused.';
    END IF;
    RETURN NEW;
END
"""


def _functions(catalog: Catalog) -> dict[str, str]:
    approver = "'" + catalog.groups[Level.APPROVER].replace("'", "''") + "'"
    return {**_FUNCTIONS,
            "isms_approvals": _APPROVALS.replace("{approver}", approver),
            "isms_signatures": _SIGNATURES.replace("{schema}", quote(catalog.schema))}


def _trigger_statements(catalog: Catalog) -> list[str]:
    schema = quote(catalog.schema)
    lines = [
        f"CREATE OR REPLACE FUNCTION {schema}.{name}() RETURNS trigger LANGUAGE plpgsql "
        f"AS $isms${body}$isms$"
        for name, body in _functions(catalog).items()
        if catalog.functions.get(name) != body
    ]
    table = f"{schema}.{quote(LOG_TABLE)}"
    lines += [
        f"CREATE TRIGGER {name} {how.format(table=table, schema=schema)}"
        for name, how in _TRIGGERS.items() if name not in catalog.triggers
    ]
    lines += [
        f"CREATE TRIGGER isms_approvals BEFORE INSERT OR UPDATE ON {schema}.{quote(approved)} "
        f"FOR EACH ROW EXECUTE FUNCTION {schema}.isms_approvals()"
        for approved in _APPROVAL_TABLES
        if approved in catalog.tables and (approved, "isms_approvals") not in catalog.table_triggers
    ]
    if "signature" in catalog.tables and ("signature", "isms_signatures") not in \
            catalog.table_triggers:
        lines.append(f"CREATE TRIGGER isms_signatures BEFORE INSERT OR UPDATE ON "
                     f"{schema}.{quote('signature')} FOR EACH ROW EXECUTE FUNCTION "
                     f"{schema}.isms_signatures()")
    return lines


# --- department limits ------------------------------------------------------------------------

#: A step from a row up to the row it belongs to: (the parent table, the column naming it).
Step = tuple[str, str]
#: Tables whose rows belong to a department, directly (no steps) or through parent rows,
#: followed up to the one with the department: a risk's actions and acceptances, an asset's
#: handling practices, a deferral of a risk's action (action -> risk; a review action's
#: deferral has no treatment action and belongs to no department). The client applies the
#: same rule (isms.db.access_guard).
LIMITED_TABLES: Mapping[str, tuple[Step, ...]] = {
    "asset": (),
    "risk": (),
    "treatment_action": (("risk", "risk_id"),),
    "risk_acceptance": (("risk", "risk_id"),),
    "handling_practice": (("asset", "asset_id"),),
    "action_deferral": (("treatment_action", "treatment_action_id"), ("risk", "risk_id")),
}
#: Trigger name -> (event, the transition tables it sees).
_LIMIT_TRIGGERS = {
    "isms_limits_insert": ("INSERT", "NEW TABLE AS isms_new"),
    "isms_limits_update": ("UPDATE", "OLD TABLE AS isms_old NEW TABLE AS isms_new"),
    "isms_limits_delete": ("DELETE", "OLD TABLE AS isms_old"),
}


def _source(rows: str, schema: str, steps: tuple[Step, ...]) -> str:
    """The statement's ``rows`` joined up ``steps`` to the rows holding the department,
    named x: "isms_new AS x", "isms_new AS r JOIN risk AS x ON x.id = r.risk_id", ..."""
    if not steps:
        return f"{rows} AS x"
    names = ["r", *(f"r{depth}" for depth in range(1, len(steps))), "x"]
    joins = [f"JOIN {schema}.{quote(above)} AS {names[depth + 1]} "
             f"ON {names[depth + 1]}.id = {names[depth]}.{column}"
             for depth, (above, column) in enumerate(steps)]
    return " ".join([f"{rows} AS r", *joins])


def _limits_body(schema: str) -> str:
    """The department-limits trigger: after each statement, refuse it if a row it wrote (or
    the row before an update, or a row it deleted) belongs to a department outside the
    login's limits. Once per statement, over the statement's rows: COPY (the imports' bulk
    path) is checked too, which row-level security would refuse outright."""
    checks = []
    for rows, when in (("isms_new", "TG_OP <> 'DELETE'"), ("isms_old", "TG_OP <> 'INSERT'")):
        sources: dict[str, list[str]] = defaultdict(list)
        for table, steps in LIMITED_TABLES.items():
            sources[_source(rows, schema, steps)].append(f"'{table}'")
        checks += [f"""
    IF NOT FOUND AND {when} AND TG_TABLE_NAME IN ({', '.join(tables)}) THEN
        SELECT x.department_id INTO outside FROM {source}
        WHERE NOT coalesce(x.department_id = ANY (limits), false) LIMIT 1;
    END IF;""" for source, tables in sources.items()]
    return f"""
DECLARE
    limits integer[];
    outside integer;
BEGIN
    IF pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID),
                   'MEMBER') THEN
        RETURN NULL;
    END IF;
    SELECT array_agg(pd.department_id) INTO limits
    FROM {schema}.person_department pd JOIN {schema}.person p ON p.id = pd.person_id
    WHERE lower(p.username) = lower(current_user::text);
    IF limits IS NULL THEN
        RETURN NULL;
    END IF;
    -- FOUND stays false until a check finds a row outside the limits.
    PERFORM 1 WHERE false;{''.join(checks)}
    IF FOUND THEN
        RAISE EXCEPTION USING
            ERRCODE = 'insufficient_privilege',
            MESSAGE = current_user || ' may change only the records of '
                || (SELECT string_agg('department ' || code, ', ' ORDER BY code)
                    FROM {schema}.department WHERE id = ANY (limits))
                || ': ' || TG_OP || ' of ' || TG_TABLE_NAME || ' in '
                || coalesce((SELECT 'department ' || code FROM {schema}.department
                             WHERE id = outside), 'the whole council (no department)')
                || ' refused.';
    END IF;
    RETURN NULL;
END
"""


def _limit_statements(catalog: Catalog) -> list[str]:
    """Triggers so a login limited to departments changes only their records."""
    schema = quote(catalog.schema)
    body = _limits_body(schema)
    lines = []
    if catalog.functions.get("isms_department_limits") != body:
        lines.append(f"CREATE OR REPLACE FUNCTION {schema}.isms_department_limits() "
                     f"RETURNS trigger LANGUAGE plpgsql AS $isms${body}$isms$")
    for table in LIMITED_TABLES:
        if table not in catalog.tables:
            continue
        lines += [
            f"CREATE TRIGGER {name} AFTER {event} ON {schema}.{quote(table)} REFERENCING "
            f"{seen} FOR EACH STATEMENT EXECUTE FUNCTION {schema}.isms_department_limits()"
            for name, (event, seen) in _LIMIT_TRIGGERS.items()
            if (table, name) not in catalog.table_triggers
        ]
    return lines
