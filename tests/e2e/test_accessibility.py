"""axe-core in headless Chromium: no WCAG 2.x A or AA violation on any public page."""

from pathlib import Path

import pytest

from tests.conftest import screenshot
from tests.pages import PUBLIC_PAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page):
    # The test injects axe itself; the site's CSP is bypassed for that context only (see open_page).
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in result["violations"]
    ]


@pytest.mark.parametrize("width", [360, 1280])
def test_public_pages_have_no_wcag_aa_violations(open_page, demo_data, width):
    found = {}
    for path in PUBLIC_PAGES:
        page = open_page(path, width=width, bypass_csp=True)
        violations = axe_violations(page)
        if violations:
            screenshot(page, f"axe-{width}-{path.strip('/').replace('/', '_') or 'home'}")
            found[path] = violations
    assert found == {}
