"""Fixtures and small `make_*` helpers for the condition library's tests."""

import itertools
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission

from conditions.importer import import_article_file
from conditions.models import (
    BodyRegion,
    Condition,
    ConditionRiskFactor,
    ConditionTreatment,
    RiskFactor,
    Treatment,
)

SEED = Path(__file__).resolve().parent / "data" / "calf-cramps.txt"
_numbers = itertools.count(1)


@pytest.fixture
def seed_path():
    return SEED


@pytest.fixture
def body_regions(db):
    """The default regions migration 0005 creates (a transactional test's flush removes them)."""
    BodyRegion.ensure_defaults()


@pytest.fixture
def calf_cramps(body_regions):
    """The clinic's seed article, imported and published, with the lay term an editor adds."""
    condition = import_article_file(SEED, publish=True).condition
    condition.alternate_names = ["charley horse"]
    condition.save(update_fields=["alternate_names"])
    return condition


@pytest.fixture
def editor(django_user_model):
    """A content editor: staff with the condition library's permissions, not a superuser."""
    user = django_user_model.objects.create_user("editor", "editor@example.com", "editor-pass-1")
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="conditions"))
    return user


@pytest.fixture
def patient(django_user_model):
    """A logged-in visitor who is not staff: sees what the public sees."""
    return django_user_model.objects.create_user("patient", "patient@example.com", "patient-pass-1")


def make_condition(
    title=None,
    *,
    status=Condition.Status.PUBLISHED,
    risk_factors=(),
    treatments=(),
    regions=(),
    **fields,
) -> Condition:
    """A condition with linked risk factors/treatments (by name, shared rows); the database
    indexes it."""
    title = title or f"Condition {next(_numbers)}"
    fields.setdefault("slug", title.lower().replace(" ", "-").replace("'", ""))
    fields.setdefault("summary", f"Summary of {title}.")
    condition = Condition.objects.create(title=title, status=status, **fields)
    for order, name in enumerate(risk_factors, start=1):
        risk_factor, _ = RiskFactor.objects.get_or_create(
            name=name, defaults={"slug": name.lower().replace(" ", "-")}
        )
        ConditionRiskFactor.objects.create(
            condition=condition, risk_factor=risk_factor, order=order
        )
    for order, name in enumerate(treatments, start=1):
        treatment, _ = Treatment.objects.get_or_create(
            name=name, defaults={"slug": name.lower().replace(" ", "-")}
        )
        ConditionTreatment.objects.create(condition=condition, treatment=treatment, order=order)
    if regions:
        BodyRegion.ensure_defaults()
        condition.body_regions.set(BodyRegion.objects.filter(slug__in=regions))
    return condition
