"""Every URL the site serves, fed hostile input: no 500, and nothing echoed unescaped.

The URLs come from the resolver, so a page added later is covered without editing this file.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
PAYLOADS = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1; DROP TABLE conditions_condition; --",
    "x" * 5000,
    "\u202e\U0001f600 caf\u00e9 \u4e2d\u6587",
    "nul\x00byte",
    "-1",
    "99999999999999999999999",
    "2027-02-30",
    "../../etc/passwd",
]
# The parameter and field names the site's pages and forms use, and a few they do not.
FIELDS = [
    "q",
    "page",
    "region",
    "letter",
    "service",
    "therapist",
    "date",
    "day",
    "week",
    "time",
    "slot",
    "start",
    "starts_at",
    "condition",
    "name",
    "email",
    "phone",
    "reason",
    "token",
    "action",
    "confirm",
    "next",
    "csrfmiddlewaretoken",
]
# The admin has its own tests; these need no hostile sweep of their own.
SKIPPED_PREFIXES = ("admin/",)


def site_paths():
    """One concrete path per URL pattern, with each converter filled by a plausible value."""
    paths = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = str(pattern.pattern)
            if route.startswith("^"):
                continue  # regex routes belong to the admin and static serving
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern):
                full = prefix + route
                if not full.startswith(SKIPPED_PREFIXES):
                    paths.append("/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, full))

    def fill(match):
        converter = match.group(1) or "str"
        return {
            "int": "1",
            "slug": "calf-cramps",
            "uuid": "00000000-0000-0000-0000-000000000000",
        }.get(converter, "no-such-thing")

    walk(get_resolver().url_patterns, "")
    return sorted(set(paths))


def assert_survives(response, path):
    assert response.status_code < 500, f"{response.status_code} from {path}"
    body = response.content.decode(errors="replace")
    assert SCRIPT not in body, f"unescaped echo of a script tag from {path}"
    assert "onerror=alert(1)>" not in body, f"unescaped echo of an attribute from {path}"


def test_the_sweep_covers_the_site():
    paths = site_paths()
    assert "/" in paths and "/healthz" in paths


def test_hostile_query_strings_never_break_a_page(client, demo_data):
    for path in site_paths():
        for payload in PAYLOADS:
            response = client.get(path, dict.fromkeys(FIELDS, payload))
            assert_survives(response, path)


def test_hostile_form_posts_never_break_a_page(client, demo_data):
    for path in site_paths():
        for payload in PAYLOADS:
            response = client.post(path, dict.fromkeys(FIELDS, payload))
            assert_survives(response, path)
        assert_survives(client.post(path, {}), path)  # every field missing
        duplicated = {field: ["1", "2"] for field in FIELDS}
        assert_survives(client.post(path, duplicated), path)


def test_hostile_path_segments_are_not_found_not_errors(client, demo_data):
    for payload in ["x" * 3000, "%3Cscript%3E", "caf%C3%A9", "%00", "..%2F..%2F"]:
        for prefix in ["/conditions/", "/risk-factors/", "/appointments/", "/book/", "/schedule/"]:
            assert_survives(client.get(f"{prefix}{payload}/"), prefix)


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
def test_wrong_methods_are_refused_cleanly(client, demo_data, method):
    for path in site_paths():
        response = getattr(client, method)(path)
        assert_survives(response, path)
