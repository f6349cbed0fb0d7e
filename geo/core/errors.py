"""The one hierarchy of domain errors; api/errors.py maps each class to an HTTP status."""


class WanggeError(Exception):
    """Base of every error the domain raises on purpose."""

    code = "error"

    def __init__(self, detail: str, *, problems: list[str] | None = None, extra: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        self.problems = problems or []
        self.extra = extra or {}

    def __str__(self) -> str:
        if not self.problems:
            return self.detail
        return self.detail + "\n" + "\n".join(f"  - {p}" for p in self.problems)


class InvalidInput(WanggeError):
    """The caller sent something we cannot accept."""

    code = "invalid_input"


class CrsError(InvalidInput):
    """An unknown or unusable coordinate reference system."""

    code = "invalid_crs"


class ImportRejected(InvalidInput):
    """A boundary file failed validation; nothing was written."""

    code = "import_rejected"


class NotFound(WanggeError):
    """The thing asked for does not exist."""

    code = "not_found"


class OutsideService(NotFound):
    """A point lies farther from every grid than the snap distance."""

    code = "outside_grids"


class AuthenticationFailed(WanggeError):
    """No valid credentials."""

    code = "not_authenticated"


class Forbidden(WanggeError):
    """Authenticated, but not allowed."""

    code = "forbidden"


class Conflict(WanggeError):
    """The request clashes with the current state."""

    code = "conflict"


class PlanInvalid(Conflict):
    """A plan with validation errors cannot be published; `problems` lists them."""

    code = "plan_invalid"


class RateLimited(WanggeError):
    """Too many requests or failed logins lately; `extra["retry_after"]` says how many seconds to wait."""

    code = "rate_limited"


class ClusterError(WanggeError):
    """The embedded PostGIS cluster cannot be set up or started."""

    code = "cluster_error"


class AuditRefused(ClusterError):
    """The audit log did not take an entry (a trigger or rule of someone else's swallowed it): nothing is done."""

    code = "audit_refused"
