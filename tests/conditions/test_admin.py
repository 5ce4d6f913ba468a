"""The condition library's admin, as a content editor (staff, not superuser) uses it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conditions.models import Condition, ConditionRiskFactor, RiskFactor, SearchMiss
from tests.conditions.conftest import make_condition

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_admin_pages_load_for_an_editor(editor_client, calf_cramps):
    SearchMiss.record("tennis elbow")
    dehydration = RiskFactor.objects.get(name="Dehydration")
    for path in [
        "/admin/",
        "/admin/conditions/condition/",
        "/admin/conditions/condition/add/",
        f"/admin/conditions/condition/{calf_cramps.pk}/change/",
        "/admin/conditions/condition/?status__exact=draft",
        "/admin/conditions/condition/?review=overdue",
        "/admin/conditions/condition/?review=next30",
        "/admin/conditions/condition/?q=calf",
        "/admin/conditions/conditiondueforreview/",
        "/admin/conditions/riskfactor/",
        f"/admin/conditions/riskfactor/{dehydration.pk}/change/",
        "/admin/conditions/treatment/",
        "/admin/conditions/bodyregion/",
        "/admin/conditions/searchmiss/",
        "/admin/autocomplete/?app_label=conditions&model_name=conditionriskfactor"
        "&field_name=risk_factor&term=dehy",
    ]:
        response = editor_client.get(path)
        assert response.status_code == 200, path


def test_a_patient_cannot_reach_the_condition_admin(client, patient):
    client.force_login(patient)
    response = client.get("/admin/conditions/condition/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_change_page_has_ordered_inlines_and_a_draft_preview_link(editor_client):
    condition = make_condition(
        "Secret Draft", status=Condition.Status.DRAFT, risk_factors=["Dehydration"]
    )
    page = editor_client.get(f"/admin/conditions/condition/{condition.pk}/change/").content.decode()
    assert 'name="risk_factor_links-0-order"' in page
    assert 'name="treatment_links-0-order"' in page
    assert (
        '<a href="/conditions/secret-draft/" target="_blank" rel="noopener">Preview draft</a>'
        in (page)
    )


def test_saving_in_the_admin_updates_the_search_vector_with_the_inlines(editor_client):
    dehydration = RiskFactor.objects.create(name="Dehydration", slug="dehydration")
    data = {
        "title_en": "Heat Cramps",
        "slug_en": "heat-cramps",
        "alternate_names_en": "heat spasm, stoker's cramp",
        "summary_en": "Cramps after sweating a lot.",
        "status": "published",
        "overview_en": "Painful spasms.",
        "risk_factor_links-TOTAL_FORMS": "1",
        "risk_factor_links-INITIAL_FORMS": "0",
        "risk_factor_links-0-order": "1",
        "risk_factor_links-0-risk_factor": str(dehydration.pk),
        "risk_factor_links-0-note": "Sweat losses in the heat",
        "treatment_links-TOTAL_FORMS": "0",
        "treatment_links-INITIAL_FORMS": "0",
        "red_flags-TOTAL_FORMS": "0",
        "red_flags-INITIAL_FORMS": "0",
    }
    for name in ["anatomy", "causes", "symptoms", "diagnosis", "treatment"]:
        data[f"{name}_en"] = ""
    data.update(physical_therapy_en="", prevention_en="", reviewed_by="")
    response = editor_client.post("/admin/conditions/condition/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    condition = Condition.objects.get(slug="heat-cramps")
    assert condition.alternate_names == ["heat spasm", "stoker's cramp"]
    assert condition.published_at is not None
    assert ConditionRiskFactor.objects.get(condition=condition).note == "Sweat losses in the heat"
    results = editor_client.get("/search/", {"q": "dehydration"}).context["outcome"].page
    assert [c.title for c in results] == ["Heat Cramps"]
    results = editor_client.get("/search/", {"q": "stoker"}).context["outcome"].page
    assert [c.title for c in results] == ["Heat Cramps"]


def test_the_admin_refuses_a_review_due_before_the_last_review(editor_client):
    condition = make_condition("Shin Splints")
    today = timezone.localdate()
    response = editor_client.post(
        f"/admin/conditions/condition/{condition.pk}/change/",
        {
            "title_en": "Shin Splints",
            "slug_en": "shin-splints",
            "status": "published",
            "last_reviewed": today.isoformat(),
            "next_review_due": (today - timedelta(days=1)).isoformat(),
            "risk_factor_links-TOTAL_FORMS": "0",
            "risk_factor_links-INITIAL_FORMS": "0",
            "treatment_links-TOTAL_FORMS": "0",
            "treatment_links-INITIAL_FORMS": "0",
            "red_flags-TOTAL_FORMS": "0",
            "red_flags-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "The next review cannot be due before the last review." in response.content.decode()


def test_publish_and_unpublish_actions(editor_client):
    draft = make_condition("Secret Draft", status=Condition.Status.DRAFT)
    editor_client.post(
        "/admin/conditions/condition/",
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.is_published and draft.published_at is not None
    assert editor_client.get("/conditions/secret-draft/").status_code == 200
    editor_client.post(
        "/admin/conditions/condition/",
        {"action": "unpublish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.status == Condition.Status.DRAFT
    editor_client.logout()
    assert editor_client.get("/conditions/secret-draft/").status_code == 404


def test_the_review_list_shows_conditions_due_within_30_days(editor_client):
    today = timezone.localdate()
    make_condition("Overdue One", next_review_due=today - timedelta(days=3))
    make_condition("Due Soon", next_review_due=today + timedelta(days=20))
    make_condition("Due Later", next_review_due=today + timedelta(days=90))
    make_condition("Never Scheduled")
    page = editor_client.get("/admin/conditions/conditiondueforreview/").content.decode()
    assert "Overdue One" in page and "Due Soon" in page
    assert "Due Later" not in page and "Never Scheduled" not in page
    assert page.index("Overdue One") < page.index("Due Soon")


def test_the_review_filter_finds_overdue_conditions(editor_client):
    today = timezone.localdate()
    make_condition("Overdue One", next_review_due=today - timedelta(days=3))
    make_condition("Due Later", next_review_due=today + timedelta(days=90))
    page = editor_client.get("/admin/conditions/condition/?review=overdue").content.decode()
    assert "Overdue One" in page and "Due Later" not in page


def test_the_risk_factor_page_shows_its_linked_conditions(editor_client):
    make_condition("Calf Cramps", risk_factors=["Dehydration"])
    make_condition("Secret Draft", status=Condition.Status.DRAFT, risk_factors=["Dehydration"])
    dehydration = RiskFactor.objects.get(name="Dehydration")
    page = editor_client.get(
        f"/admin/conditions/riskfactor/{dehydration.pk}/change/"
    ).content.decode()
    assert "Calf Cramps</a> (published)" in page
    assert "Secret Draft</a> (draft)" in page


def test_renaming_a_risk_factor_updates_the_search_of_its_conditions(editor_client):
    make_condition("Calf Cramps", risk_factors=["Dehydration"])
    factor = RiskFactor.objects.get(name="Dehydration")
    response = editor_client.post(
        f"/admin/conditions/riskfactor/{factor.pk}/change/",
        {
            "name_en": "Fluid loss",
            "slug": "dehydration",
            "category": "nutrition",
            "modifiable": "on",
            "description_en": "",
        },
    )
    assert response.status_code == 302
    results = editor_client.get("/search/", {"q": "fluid loss"}).context["outcome"].page
    assert [c.title for c in results] == ["Calf Cramps"]


def test_search_misses_are_listed_most_frequent_first(editor_client):
    for _ in range(3):
        SearchMiss.record("tennis elbow")
    SearchMiss.record("golfers elbow")
    page = editor_client.get("/admin/conditions/searchmiss/").content.decode()
    assert page.index("tennis elbow") < page.index("golfers elbow")
    assert editor_client.get("/admin/conditions/searchmiss/add/").status_code == 403


def changelist_rows(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return list(response.context["cl"].result_list)


def test_the_condition_search_finds_the_matching_article_and_not_the_others(
    editor_client, calf_cramps
):
    shin = make_condition("Shin Splints", summary="Pain along the inner edge of the shin bone.")
    draft = make_condition("Runner's Knee", status=Condition.Status.DRAFT)
    path = "/admin/conditions/condition/"
    assert changelist_rows(editor_client, path + "?q=calf") == [calf_cramps]
    assert changelist_rows(editor_client, path + "?q=shin+bone") == [shin]  # the summary
    assert changelist_rows(editor_client, path + "?q=runners-knee") == [draft]  # the slug
    assert changelist_rows(editor_client, path + "?q=tennis") == []


def test_the_risk_factor_and_search_miss_searches_find_only_the_match(editor_client):
    dehydration = RiskFactor.objects.create(name="Dehydration", slug="dehydration")
    RiskFactor.objects.create(name="Poor footwear", slug="poor-footwear")
    rows = changelist_rows(editor_client, "/admin/conditions/riskfactor/?q=dehyd")
    assert rows == [dehydration]
    SearchMiss.record("tennis elbow")
    SearchMiss.record("golfers elbow")
    rows = changelist_rows(editor_client, "/admin/conditions/searchmiss/?q=tennis")
    assert [miss.query for miss in rows] == ["tennis elbow"]
