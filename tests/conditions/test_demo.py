"""The condition library's demo content (part of `manage.py load_demo`)."""

from io import StringIO

import pytest

from conditions import demo
from conditions.models import Condition, ConditionRiskFactor, RedFlag, RiskFactor, Treatment

pytestmark = pytest.mark.django_db


class FakeCommand:
    def __init__(self):
        self.stdout = StringIO()


def snapshot():
    return (
        list(Condition.objects.order_by("pk").values()),
        list(ConditionRiskFactor.objects.order_by("pk").values()),
        list(RiskFactor.objects.order_by("pk").values()),
        list(Treatment.objects.order_by("pk").values()),
        sorted(Condition.related_conditions.through.objects.values_list("pk", flat=True)),
        list(RedFlag.objects.order_by("pk").values()),
    )


def test_it_imports_the_seed_published_and_adds_sample_conditions():
    demo.load(FakeCommand())
    calf_cramps = Condition.objects.get(slug="calf-cramps")
    assert calf_cramps.is_published and not calf_cramps.is_sample
    assert calf_cramps.risk_factor_links.count() == 15
    assert "charley horse" in calf_cramps.alternate_names
    samples = Condition.objects.published().filter(is_sample=True)
    assert samples.count() >= 5
    regions = {region.slug for c in samples for region in c.body_regions.all()}
    assert len(regions) >= 3
    shared = [rf for rf in RiskFactor.objects.all() if rf.conditions.count() > 1]
    assert len(shared) >= 3
    assert Condition.objects.get(slug="tennis-elbow").status == Condition.Status.DRAFT


def test_loading_twice_changes_nothing():
    demo.load(FakeCommand())
    before = snapshot()
    demo.load(FakeCommand())
    assert snapshot() == before


def test_sample_pages_say_they_are_samples(client):
    demo.load(FakeCommand())
    page = client.get("/conditions/shin-splints/").content.decode()
    assert "Sample content." in page
    assert "Sample content." not in client.get("/conditions/calf-cramps/").content.decode()


def test_every_demo_article_has_red_flags_in_english_and_french():
    demo.load(FakeCommand())
    for condition in Condition.objects.all():
        flags = list(condition.red_flags.all())
        assert flags, condition.slug
        assert all(flag.sign_en and flag.sign_fr and flag.meaning_fr for flag in flags)
    calf_cramps = Condition.objects.get(slug="calf-cramps")
    assert [(flag.urgency, flag.sign_en) for flag in calf_cramps.red_flags.all()][0] == (
        RedFlag.Urgency.EMERGENCY,
        "A swollen, warm, red calf, or breathlessness",
    )
    assert {flag.urgency for flag in calf_cramps.red_flags.all()} == set(RedFlag.Urgency)


def test_red_flags_an_editor_changed_are_kept_when_the_demo_loads_again():
    demo.load(FakeCommand())
    calf_cramps = Condition.objects.get(slug="calf-cramps")
    calf_cramps.red_flags.exclude(urgency=RedFlag.Urgency.EMERGENCY).delete()
    calf_cramps.red_flags.update(meaning_fr="peut être une phlébite")
    demo.load(FakeCommand())
    assert [flag.meaning_fr for flag in calf_cramps.red_flags.all()] == ["peut être une phlébite"]
