"""The condition library's demo content (part of `manage.py load_demo`)."""

from io import StringIO

import pytest

from conditions import demo
from conditions.models import Condition, ConditionRiskFactor, RiskFactor, Treatment

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
