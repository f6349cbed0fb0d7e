"""Tokens never reach the access log: uvicorn logs every request line, and Open311 clients put `api_key` in it."""

import logging
import re

SECRET_PARAMS = re.compile(r"((?:^|[?&])(?:api_key|access_token|token)=)[^&\s]*", re.IGNORECASE)


class RedactTokens(logging.Filter):
    """Replaces the values of token-bearing query parameters in uvicorn's access records with ***."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's arguments (uvicorn passes the path with its query as one of them)."""
        if isinstance(record.args, tuple):
            record.args = tuple(SECRET_PARAMS.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args)
        return True


def install() -> None:
    """Attach the filter to uvicorn's access logger, once."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactTokens) for f in logger.filters):
        logger.addFilter(RedactTokens())
