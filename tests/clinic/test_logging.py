import logging

import pytest

from clinic.logging import RedactTokens

TOKEN = "kT3v9QhZ2mW8xR1pL6nB4yC7dF0gJ5sA-_Ue"


def record(message, *args):
    return logging.LogRecord("django.request", logging.WARNING, __file__, 1, message, args, None)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (f"/appointments/{TOKEN}/", "/appointments/[redacted]/"),
        (f"/appointments/{TOKEN}/cancel/", "/appointments/[redacted]/cancel/"),
        (f"/schedule/feed/{TOKEN}.ics", "/schedule/feed/[redacted]"),
    ],
)
def test_tokens_in_logged_paths_are_redacted(path, expected):
    entry = record("Not Found: %s", path)
    assert RedactTokens().filter(entry) is True
    assert entry.getMessage() == f"Not Found: {expected}"
    assert TOKEN not in entry.getMessage()


def test_other_messages_pass_unchanged():
    entry = record("Not Found: %s", "/conditions/calf-cramps/")
    RedactTokens().filter(entry)
    assert entry.getMessage() == "Not Found: /conditions/calf-cramps/"


def test_the_handler_that_writes_the_logs_redacts_tokens():
    # The handler settings.LOGGING gives the "django" logger, which logs each 404's path.
    handlers = [h for h in logging.getLogger("django").handlers if h.filters]
    assert handlers, "no filtered handler on the django logger"
    entry = record("Not Found: %s", f"/appointments/{TOKEN}/")
    for handler in handlers:
        assert handler.filter(entry)
        assert TOKEN not in handler.format(entry)
