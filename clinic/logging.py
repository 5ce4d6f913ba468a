"""Keep secrets that travel in URLs out of the logs.

A patient's manage link and a therapist's calendar-feed link carry bearer tokens in their paths,
and Django logs the path of every 404 and 500. This filter rewrites each record's message so the
token never reaches a log file or a log service.
"""

import logging
import re

TOKEN_PATHS = re.compile(r"(/appointments/|/schedule/feed/)[^/\s\"'?]+")


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = TOKEN_PATHS.sub(r"\1[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
