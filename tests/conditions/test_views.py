"""The public condition pages: article, A–Z index, risk factors, drafts, sitemap and robots.txt."""

import json
import re
from datetime import date

import pytest

from conditions.models import Condition
from tests.conditions.conftest import make_condition

pytestmark = pytest.mark.django_db


def json_ld_of(page: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


def test_the_condition_page_shows_the_article_and_how_to_book(client, calf_cramps):
    response = client.get("/conditions/calf-cramps/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 id="condition-title">Calf Cramps</h1>' in page
    assert "Also known as: charley horse" in page
    for heading in ["Overview", "Causes and risk factors", "Signs and symptoms", "Diagnosis"]:
        assert f">{heading}</h2>" in page
    assert ">Prevention</h2>" not in page  # empty sections are not shown
    assert '<a href="/risk-factors/dehydration/">Dehydration</a>' in page
    assert "<li>electrotherapy (e.g. ultrasound)</li>" in page
    assert 'href="/book/?condition=calf-cramps"' in page
    assert "Book an appointment about Calf Cramps" in page
    assert '<a href="/conditions/?region=lower-leg">Lower leg</a>' in page
    assert "<title>Calf Cramps · Sports Medicine</title>" in page
    assert '<meta name="description" content="A calf cramp is an involuntary' in page
    assert '<link rel="canonical" href="http://testserver/conditions/calf-cramps/">' in page


def test_the_page_says_who_reviewed_it_and_when(client):
    make_condition(
        "Shin Splints",
        last_reviewed=date(2026, 3, 2),
        next_review_due=date(2027, 3, 2),
        reviewed_by="Jane Doe, PT, DPT",
    )
    page = client.get("/conditions/shin-splints/").content.decode()
    assert re.search(
        r"Reviewed by Jane Doe, PT, DPT on <time datetime=\"2026-03-02\">March 2, 2026</time>.*"
        r"Next review due <time datetime=\"2027-03-02\">March 2, 2027</time>",
        page,
        re.DOTALL,
    )


def test_sample_content_is_marked_on_the_page(client):
    make_condition("Shin Splints", is_sample=True)
    assert "Sample content." in client.get("/conditions/shin-splints/").content.decode()


def test_related_conditions_link_only_to_published_ones(client):
    condition = make_condition("Shin Splints")
    condition.related_conditions.add(
        make_condition("Calf Strain"), make_condition("Secret Draft", status="draft")
    )
    page = client.get("/conditions/shin-splints/").content.decode()
    assert '<a href="/conditions/calf-strain/">Calf Strain</a>' in page
    assert "Secret Draft" not in page


def test_json_ld_parses_and_names_every_risk_factor(client, calf_cramps):
    page = client.get("/conditions/calf-cramps/").content.decode()
    data = json_ld_of(page)
    assert data["@type"] == "MedicalWebPage"
    about = data["about"]
    assert about["@type"] == "MedicalCondition"
    assert about["name"] == "Calf Cramps"
    assert about["alternateName"] == ["charley horse"]
    assert about["associatedAnatomy"] == [{"@type": "AnatomicalStructure", "name": "Lower leg"}]
    names = [factor["name"] for factor in about["riskFactor"]]
    assert names == [link.risk_factor.name for link in calf_cramps.risk_factor_links.all()]
    assert len(names) == 15
    assert len(about["possibleTreatment"]) == 11
    assert about["signOrSymptom"][0]["name"].startswith("Patients with a calf cramp usually")


def test_json_ld_has_review_details_and_cannot_close_its_script_element(client):
    make_condition(
        "Odd </script><script>alert(1)</script> & Co",
        slug="odd",
        alternate_names=["<!-- x"],
        last_reviewed=date(2026, 1, 5),
        reviewed_by="Sam Lee, PT",
    )
    page = client.get("/conditions/odd/").content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert "<" not in block.group(1) and ">" not in block.group(1) and "&" not in block.group(1)
    data = json_ld_of(page)
    assert data["about"]["name"] == "Odd </script><script>alert(1)</script> & Co"
    assert data["lastReviewed"] == "2026-01-05"
    assert data["reviewedBy"] == {"@type": "Person", "name": "Sam Lee, PT"}


def test_html_in_an_article_is_shown_as_text(client):
    make_condition(
        "Risky <b>Title</b>",
        slug="risky",
        summary="<img src=x onerror=alert(1)>",
        overview="Some **bold** and [a link](https://example.com) and "
        "[bad](javascript:alert(1)).\n\n<script>alert('x')</script>\n\n- one\n- two",
    )
    page = client.get("/conditions/risky/").content.decode()
    assert "Risky &lt;b&gt;Title&lt;/b&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<strong>bold</strong>" in page
    assert '<a href="https://example.com" rel="noopener noreferrer">a link</a>' in page
    assert "javascript:" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page or (
        "&lt;script&gt;alert('x')&lt;/script&gt;" in page
    )
    assert "<script>alert" not in page
    assert "<li>one</li>" in page


def test_drafts_are_404_for_the_public_and_for_patients(client, patient):
    make_condition("Secret Draft", status=Condition.Status.DRAFT)
    assert client.get("/conditions/secret-draft/").status_code == 404
    client.force_login(patient)
    assert client.get("/conditions/secret-draft/").status_code == 404


def test_staff_preview_a_draft_with_a_banner(client, editor):
    make_condition("Secret Draft", status=Condition.Status.DRAFT)
    client.force_login(editor)
    response = client.get("/conditions/secret-draft/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Draft preview." in page
    assert '<meta name="robots" content="noindex">' in page


def test_published_pages_have_no_draft_banner(client, editor):
    make_condition("Shin Splints")
    client.force_login(editor)
    assert "Draft preview" not in client.get("/conditions/shin-splints/").content.decode()


def test_an_unknown_condition_is_404(client):
    assert client.get("/conditions/no-such-thing/").status_code == 404


def test_the_index_groups_published_conditions_by_letter(client):
    make_condition("Achilles Tendinopathy", alternate_names=["Achilles tendinitis"])
    make_condition("Ankle Sprain")
    make_condition("Calf Strain")
    make_condition("Boring Draft", status=Condition.Status.DRAFT)
    page = client.get("/conditions/").content.decode()
    assert '<a href="#letter-A">A</a>' in page and '<a href="#letter-C">C</a>' in page
    assert 'href="#letter-B"' not in page
    assert (
        page.index("Achilles Tendinopathy") < page.index("Ankle Sprain") < page.index("Calf Strain")
    )
    assert "also: Achilles tendinitis" in page
    assert "Boring Draft" not in page


def test_the_index_filters_by_body_region(client):
    make_condition("Ankle Sprain", regions=["ankle-foot"])
    make_condition("Runner's Knee", regions=["knee"])
    response = client.get("/conditions/?region=knee")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Runner&#x27;s Knee" in page
    assert "Ankle Sprain" not in page
    assert '<a class="region-pill" href="/conditions/?region=knee" aria-current="page">' in page


def test_an_unknown_body_region_shows_everything_with_a_note(client):
    make_condition("Ankle Sprain", regions=["ankle-foot"])
    response = client.get("/conditions/?region=%3Cscript%3Enope")
    assert response.status_code == 200
    page = response.content.decode()
    assert "We have no body region called “&lt;script&gt;nope”" in page
    assert "Ankle Sprain" in page


def test_a_risk_factor_page_lists_its_published_conditions(client):
    make_condition("Calf Cramps", risk_factors=["Dehydration"])
    make_condition("Heat Exhaustion", risk_factors=["Dehydration"])
    make_condition("Secret Draft", status=Condition.Status.DRAFT, risk_factors=["Dehydration"])
    response = client.get("/risk-factors/dehydration/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Dehydration</h1>" in page
    assert '<a href="/conditions/calf-cramps/">Calf Cramps</a>' in page
    assert '<a href="/conditions/heat-exhaustion/">Heat Exhaustion</a>' in page
    assert "Secret Draft" not in page


def test_a_risk_factor_only_drafts_use_is_404_for_the_public(client, editor):
    make_condition("Secret Draft", status=Condition.Status.DRAFT, risk_factors=["Night work"])
    assert client.get("/risk-factors/night-work/").status_code == 404
    client.force_login(editor)
    assert client.get("/risk-factors/night-work/").status_code == 200
    assert client.get("/risk-factors/no-such-factor/").status_code == 404


def test_the_sitemap_lists_published_conditions_and_risk_factors(client):
    make_condition("Calf Cramps", risk_factors=["Dehydration"])
    make_condition("Secret Draft", status=Condition.Status.DRAFT, risk_factors=["Night work"])
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    page = response.content.decode()
    assert "<loc>http://testserver/conditions/calf-cramps/</loc>" in page
    assert "<loc>http://testserver/risk-factors/dehydration/</loc>" in page
    assert "<loc>http://testserver/conditions/</loc>" in page
    assert "secret-draft" not in page
    assert "night-work" not in page


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_private_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /appointments/" in lines


def test_the_home_page_shows_regions_featured_conditions_and_booking(client):
    make_condition("Calf Cramps", regions=["lower-leg"], featured=True)
    make_condition("Ankle Sprain", regions=["ankle-foot"])
    page = client.get("/").content.decode()
    assert '<a class="region-card" href="/conditions/?region=lower-leg">' in page
    assert "1 condition</span>" in page
    assert '<a href="/conditions/calf-cramps/">Calf Cramps</a>' in page
    assert "Ankle Sprain" not in page.split('id="featured-heading"')[1].split("</section>")[0]
    assert 'href="/book/"' in page


def test_pages_refuse_writes(client, calf_cramps):
    assert client.post("/conditions/calf-cramps/").status_code == 405
    assert client.post("/search/", {"q": "x"}).status_code == 405
