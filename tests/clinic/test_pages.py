"""Staff pages (/<slug>/): the default ones in both languages, drafts, the footer, the sitemap,
and a new version each time the words change."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from bookings import permissions
from clinic.default_pages import PAGES, REVIEW_NOTES, ensure_default_pages
from clinic.models import Page

pytestmark = pytest.mark.django_db

DEFAULT_SLUGS = ["about", "cancellation-policy", "privacy", "terms", "accessibility"]


@pytest.fixture
def default_pages():
    """The pages migration 0004 creates (a flushed test database may have lost them)."""
    Page.objects.filter(slug__in=DEFAULT_SLUGS).delete()
    ensure_default_pages(Page, now=timezone.now())
    return {page.slug: page for page in Page.objects.all()}


@pytest.fixture
def editor(django_user_model):
    permissions.ensure_staff_groups()
    user = django_user_model.objects.create_user("editor", "editor@example.com", "pass-12345")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=permissions.CONTENT_EDITORS))
    return user


@pytest.fixture
def therapist(django_user_model):
    permissions.ensure_staff_groups()
    user = django_user_model.objects.create_user("therapist", "t@example.com", "pass-12345")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=permissions.THERAPISTS))
    return user


def make_draft():
    return Page.objects.create(
        slug="new-services",
        title_en="New services",
        title_fr="Nouveaux services",
        body_en="Coming soon.",
        body_fr="Bientôt.",
        status=Page.Status.DRAFT,
    )


def test_the_default_pages_are_published_in_english_and_french(client, default_pages):
    assert sorted(default_pages) == sorted(DEFAULT_SLUGS)
    for spec in PAGES:
        english = client.get(f"/{spec['slug']}/")
        assert english.status_code == 200
        assert f"<h1>{spec['title_en']}</h1>" in english.content.decode()
        french = client.get(f"/fr/{spec['slug']}/")
        assert french.status_code == 200
        body = french.content.decode()
        assert f"<h1>{spec['title_fr']}</h1>" in body
        assert '<html lang="fr">' in body


def test_the_privacy_notice_says_what_is_collected_why_who_sees_it_and_rights(
    client, default_pages
):
    body = client.get("/privacy/").content.decode()
    for words in [
        "your name, email address and phone number",
        "health questionnaire",
        "Only to arrange and provide your care",
        "Your treating therapist and our front desk",
        "We never sell your information",
        "no third-party",
        "for the period set by law and our retention policy",
        "correct",
        "deleted",
        "You can also ask the front desk",
        "deleted seven years after your last visit",
        "My appointments",
    ]:
        assert words in body, words
    # The reminder to review it is for the clinic, in the admin only.
    assert "[Clinic:" not in body and "advisor" not in body


def test_the_cancellation_policy_says_24_hours_and_the_link(client, default_pages):
    body = client.get("/cancellation-policy/").content.decode()
    assert "up to 24 hours before it starts" in body
    assert "link in your confirmation email" in body
    french = client.get("/fr/cancellation-policy/").content.decode()
    assert "jusqu’à 24 heures avant son début" in french


def test_the_accessibility_statement_names_the_goal_and_how_to_report(client, default_pages):
    body = client.get("/accessibility/").content.decode()
    assert "WCAG) 2.2 at level AA" in body
    assert "keyboard" in body and "screen reader" in body
    assert "Report a problem" in body


def test_french_pages_use_french_spacing_and_link_to_french_pages(client, default_pages):
    body = client.get("/fr/privacy/").content.decode()
    assert "Quand vous prenez rendez-vous&nbsp;:" in body
    assert 'href="/fr/find-us/"' in body
    assert " :" not in re.sub(r"<[^>]+>", "", body.split("<main")[1].split("</main>")[0])


def test_the_admin_shows_the_review_note_but_the_page_does_not(client, admin_user, default_pages):
    client.force_login(admin_user)
    response = client.get(f"/admin/clinic/page/{default_pages['privacy'].pk}/change/")
    assert REVIEW_NOTES["privacy"] in response.content.decode()
    assert REVIEW_NOTES["privacy"] not in client.get("/privacy/").content.decode()


def test_a_draft_is_not_found_by_visitors_or_therapists(client, therapist):
    make_draft()
    assert client.get("/new-services/").status_code == 404
    assert client.get("/fr/new-services/").status_code == 404
    client.force_login(therapist)
    assert client.get("/new-services/").status_code == 404


def test_a_draft_is_shown_to_an_editor_marked_as_draft(client, editor):
    make_draft()
    client.force_login(editor)
    response = client.get("/new-services/")
    assert response.status_code == 200
    assert "Draft: only staff can see this page" in response.content.decode()


def test_published_footer_pages_are_linked_from_every_page(client, default_pages):
    make_draft()
    footer = client.get("/conditions/").content.decode().split("<footer")[1]
    for slug in DEFAULT_SLUGS:
        assert f'href="/{slug}/"' in footer
    assert "/new-services/" not in footer
    french_footer = client.get("/fr/conditions/").content.decode().split("<footer")[1]
    assert ">Politique de confidentialité</a>" in french_footer
    assert 'href="/fr/privacy/"' in french_footer


def test_the_sitemap_lists_published_pages_and_find_us_in_both_languages(client, default_pages):
    make_draft()
    body = client.get("/sitemap.xml").content.decode()
    for path in ["/privacy/", "/terms/", "/find-us/"]:
        assert f"<loc>http://testserver{path}</loc>" in body
        assert f"<loc>http://testserver/fr{path}</loc>" in body
        assert f'hreflang="fr" href="http://testserver/fr{path}"' in body
    assert "new-services" not in body


def page_form(page, **changes):
    data = {
        "title_en": page.title_en,
        "title_fr": page.title_fr or "",
        "slug": page.slug,
        "summary_en": page.summary_en or "",
        "summary_fr": page.summary_fr or "",
        "body_en": page.body_en,
        "body_fr": page.body_fr or "",
        "status": page.status,
        "order": page.order,
    }
    if page.in_footer:
        data["in_footer"] = "on"
    data.update(changes)
    return data


@pytest.mark.parametrize("field", ["body_fr", "title_en", "body_en", "title_fr"])
def test_changing_any_languages_title_or_body_is_a_new_version(
    client, editor, default_pages, field
):
    page = default_pages["privacy"]
    Page.objects.filter(pk=page.pk).update(revised_at=timezone.now() - timedelta(days=30))
    page.refresh_from_db()
    client.force_login(editor)
    url = f"/admin/clinic/page/{page.pk}/change/"
    response = client.post(url, page_form(page, **{field: getattr(page, field) + " More."}))
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.version == 2
    assert timezone.now() - page.revised_at < timedelta(minutes=1)


def test_changing_only_the_order_or_summary_keeps_the_version(client, editor, default_pages):
    page = default_pages["terms"]
    revised = page.revised_at
    client.force_login(editor)
    url = f"/admin/clinic/page/{page.pk}/change/"
    # As a browser sends the same text back: line breaks as CRLF, a trailing newline.
    same_body = page.body_en.replace("\n", "\r\n") + "\r\n"
    data = page_form(page, order=99, summary_en="Another summary.", body_en=same_body)
    assert client.post(url, data).status_code == 302
    page.refresh_from_db()
    assert (page.version, page.revised_at, page.order) == (1, revised, 99)


def test_a_new_page_starts_at_version_one_and_links_to_its_page(client, editor):
    client.force_login(editor)
    data = {
        "title_en": "Team",
        "slug": "our-team",
        "body_en": "Who we are.",
        "status": "published",
        "order": 60,
        "in_footer": "on",
    }
    assert client.post("/admin/clinic/page/add/", data).status_code == 302
    page = Page.objects.get(slug="our-team")
    assert page.version == 1 and page.revised_at is not None
    change = client.get(f"/admin/clinic/page/{page.pk}/change/").content.decode()
    assert "View on site" in change
    assert client.get("/our-team/").status_code == 200


def test_the_page_list_shows_status_footer_and_version(client, editor, default_pages):
    client.force_login(editor)
    body = client.get("/admin/clinic/page/").content.decode()
    for column in ["Status", "Linked from the footer", "Version", "Revised at"]:
        assert column in body
    assert "Privacy notice" in body


def test_a_therapist_cannot_edit_pages(client, therapist, default_pages):
    page = default_pages["privacy"]
    client.force_login(therapist)
    url = f"/admin/clinic/page/{page.pk}/change/"
    assert client.get(url).status_code == 403
    response = client.post(url, page_form(page, body_en="Changed."))
    assert response.status_code == 403
    page.refresh_from_db()
    assert page.body_en != "Changed." and page.version == 1


def test_a_pages_headings_start_under_its_title(client, default_pages):
    body = client.get("/privacy/").content.decode()
    assert "<h1>Privacy notice</h1>" in body
    assert "<h2>What we collect</h2>" in body and "<h3>" not in body.split("<footer")[0]


def test_the_migration_creates_the_default_pages_and_lets_staff_edit_them(migrate_to):
    Page.objects.all().delete()
    migrate_to([("clinic", "0003_front_door")])
    migrate_to()
    assert sorted(Page.objects.published().values_list("slug", flat=True)) == sorted(DEFAULT_SLUGS)
    privacy = Page.objects.get(slug="privacy")
    assert (privacy.title_en, privacy.title_fr) == (
        "Privacy notice",
        "Politique de confidentialité",
    )
    assert privacy.in_footer and privacy.version == 1
    for name in (permissions.CONTENT_EDITORS, permissions.FRONT_DESK):
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {"change_page", "add_openinghours", "delete_closure"} <= codenames, name
        assert "delete_page" not in codenames
    desk = Group.objects.get(name=permissions.FRONT_DESK).permissions
    assert desk.filter(codename="change_contactmessage").exists()
