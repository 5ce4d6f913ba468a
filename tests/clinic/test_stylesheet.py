"""static/css/clinic.css, the public pages' one stylesheet, built by `make css`
(deploy/build_css.py) and committed: current with its sources, complete for the templates, and the
only one a page waits for.
"""

import html
import re
from html.parser import HTMLParser

import pytest

from bench.loopback import DAY_LINKS, FIRST_BOOKING_STEP, TIME_LINKS
from deploy import build_css
from tests.pages import PUBLIC_PAGES

CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')
TEMPLATE_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
CLASS_SELECTOR = re.compile(r"\.(-?[A-Za-z_][\w-]*)")


class Head(HTMLParser):
    """The stylesheets a page blocks on (print ones do not) and the scripts it loads."""

    def __init__(self):
        super().__init__()
        self.stylesheets = []
        self.scripts = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "stylesheet" and attrs.get("media") != "print":
            self.stylesheets.append(attrs["href"])
        if tag == "script" and "src" in attrs:
            self.scripts.append(attrs["src"])


def head_of(response) -> Head:
    head = Head()
    head.feed(response.content.decode())
    return head


def selector_classes(css: str) -> set[str]:
    preludes = build_css.PRELUDE.findall(build_css.COMMENT.sub("", css))
    return {name for prelude in preludes for name in CLASS_SELECTOR.findall(prelude)}


def test_clinic_css_is_built_from_the_current_sources():
    assert build_css.recorded_digest() == build_css.input_digest(), (
        "static/css/clinic.css is stale: run `make css` and commit it"
    )


def test_a_new_class_makes_it_stale_and_other_new_words_do_not(monkeypatch, tmp_path):
    files = build_css.scanned_files()
    digest = build_css.input_digest()
    template = tmp_path / "new.html"
    monkeypatch.setattr(build_css, "scanned_files", lambda: [*files, template])

    template.write_text('<p class="reschedule-notice">{{ a_new_variable }}</p>')
    assert build_css.input_digest() == digest

    template.write_text('<div class="carousel">')
    assert build_css.input_digest() != digest


def test_every_class_a_template_writes_is_kept_when_a_source_sheet_styles_it():
    sources = selector_classes(build_css.source_css())
    kept = selector_classes(build_css.OUTPUT.read_text())
    written = set()
    for path in build_css.ROOT.joinpath("templates").rglob("*.html"):
        for value in CLASS_ATTRIBUTE.findall(path.read_text()):
            written.update(TEMPLATE_CODE.sub(" ", value).split())

    assert (written & sources) - kept == set()
    assert {"btn-primary", "site-header", "care-emergency", "team-photo"} <= kept
    # Bootstrap's components no page uses are gone.
    assert {"carousel", "offcanvas", "toast", "tooltip"} & kept == set()


@pytest.mark.django_db
def test_every_public_page_blocks_on_one_stylesheet_and_loads_no_script(client, demo_data):
    responses = {path: client.get(path) for path in PUBLIC_PAGES}
    # The booking steps a patient reaches by links: therapist, day, times, details.
    path = FIRST_BOOKING_STEP
    responses["/book/?service=follow-up"] = client.get("/book/?service=follow-up")
    responses[path] = client.get(path)
    for day in DAY_LINKS.findall(responses[path].content.decode()):
        day_page = client.get(html.unescape(day))
        times = TIME_LINKS.findall(day_page.content.decode())
        if times:
            responses["a day's times"] = day_page
            responses["details"] = client.get(html.unescape(times[0]))
            break

    assert "details" in responses
    heads = {path: head_of(response) for path, response in responses.items()}
    assert {path: head.stylesheets for path, head in heads.items()} == dict.fromkeys(
        responses, ["/static/css/clinic.css"]
    )
    assert {path: head.scripts for path, head in heads.items()} == dict.fromkeys(responses, [])


def test_the_print_stylesheet_does_not_block_rendering(client, db):
    page = client.get("/").content.decode()

    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in page
