"""A URL is reversed, not typed: no template links to a hand-written site path."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
HAND_WRITTEN = re.compile(r"""\b(?:href|action|src)\s*=\s*["']/""")


def test_it_finds_no_hand_written_site_paths_in_templates():
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if HAND_WRITTEN.search(line)
    ]
    assert not found, "use {% url %} or {% static %}:\n" + "\n".join(found)


def test_it_catches_a_typed_path_but_not_a_reversed_one():
    assert HAND_WRITTEN.search('<a href="/book/">')
    assert HAND_WRITTEN.search("<form action='/search/'>")
    assert not HAND_WRITTEN.search("<a href=\"{% url 'bookings:book' %}\">")
    assert not HAND_WRITTEN.search("<img src=\"{% static 'logo.svg' %}\">")
    assert not HAND_WRITTEN.search('<a href="#main">')


# --- a template tag renders; it does not query ---------------------------------------------------

APPS = Path(__file__).resolve().parents[2]
QUERYING = re.compile(r"\.objects\b|\.(?:filter|exclude|count|aggregate|annotate)\(|\bdashboard\b")


def test_it_finds_no_queries_in_template_tags():
    found = [
        f"{path.relative_to(APPS)}:{number}: {line.strip()}"
        for app in ["clinic", "conditions", "bookings"]
        for path in sorted((APPS / app / "templatetags").glob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if QUERYING.search(line)
    ]
    assert not found, "query in the view that feeds the template:\n" + "\n".join(found)


def test_it_builds_the_admin_index_in_as_many_queries_as_when_tags_queried(
    client, admin_user, django_assert_num_queries
):
    client.force_login(admin_user)
    client.get("/admin/")  # the session and content types, cached from here on

    with django_assert_num_queries(14):
        response = client.get("/admin/")

    assert response.status_code == 200
    assert 'id="front-desk"' in response.content.decode()
