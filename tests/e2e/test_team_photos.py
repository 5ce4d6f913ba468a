"""The team page with a therapist's photo (the demo has none): no WCAG AA violation, no CSP
violation, and the browser picks and shows a rendition from the srcset."""

import io
import re

import pytest
from PIL import Image

from bookings.models import Therapist
from bookings.services import photos
from tests.e2e.test_accessibility import axe_violations
from tests.e2e.test_csp import csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def photo(demo_data):
    buffer = io.BytesIO()
    Image.new("RGB", (900, 1100), (40, 90, 160)).save(buffer, "JPEG")
    therapist = Therapist.objects.active().order_by("display_name").first()
    return photos.save_therapist_photo(
        therapist=therapist,
        prepared=photos.prepare_photo(io.BytesIO(buffer.getvalue())),
        alt_text_en="A demo photo: a blue square",
        alt_text_fr="Une photo de démonstration : un carré bleu",
    )


@pytest.mark.parametrize("path", ["/team/", "/fr/team/"])
def test_the_team_page_with_a_photo_passes_axe(open_page, photo, path):
    page = open_page(path, width=360, bypass_csp=True)
    assert axe_violations(page) == []


def test_the_team_page_with_a_photo_shows_it_under_the_csp(open_page, photo):
    page = open_page("/team/")
    image = page.locator("picture img").first
    image.wait_for()
    page.wait_for_function("document.querySelector('picture img').complete")
    # The WebP source wins in Chromium; naturalWidth is in CSS pixels (the srcset's density).
    assert re.search(
        r"/team/photos/\d+/[0-9a-f]{64}-(160|320|640)\.webp$",
        page.evaluate("document.querySelector('picture img').currentSrc"),
    )
    assert page.evaluate("document.querySelector('picture img').naturalWidth") > 0
    assert csp_violations(page) == []
