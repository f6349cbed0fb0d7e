"""Whether the audit log's table is still as migrations made it: whoever owns it (the service's role) could add a
trigger that swallows new entries, a rule, or a row security policy that hides entries from some queries only,
and the chain of what is left would still verify. So verify (and the list) first check the table itself."""

from sqlalchemy import text
from sqlalchemy.orm import Session

TRIGGERS = {"audit_log_append_only", "audit_log_no_truncate"}  # migration 0007's, and no other
DEFINITION = text("""
SELECT c.relkind, c.relrowsecurity OR c.relforcerowsecurity AS row_security,
       (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies,
       (SELECT array_agg(r.rulename::text) FROM pg_rewrite r WHERE r.ev_class = c.oid) AS rules,
       (SELECT array_agg(t.tgname::text || ':' || t.tgenabled::text) FROM pg_trigger t
        WHERE t.tgrelid = c.oid AND NOT t.tgisinternal) AS triggers
FROM pg_class c WHERE c.oid = to_regclass('public.audit_log')""")


def altered(session: Session) -> str | None:
    """What was done to the table, or None when it is as migrations made it."""
    row = session.execute(DEFINITION).first()
    if row is None or row.relkind != "r":
        return "public.audit_log is missing or no longer a plain table"
    if row.row_security or row.policies:
        return "public.audit_log has row security: some queries may not see every entry"
    if row.rules:
        return f"public.audit_log has rules: {', '.join(row.rules)}"
    triggers = dict(t.split(":") for t in row.triggers or [])
    unknown = sorted(set(triggers) - TRIGGERS)
    if unknown:
        return f"public.audit_log has triggers of someone else's: {', '.join(unknown)}"
    off = sorted(name for name in TRIGGERS if triggers.get(name, "D") == "D")
    if off:
        return f"public.audit_log's append-only triggers are off or gone: {', '.join(off)}"
    return None
