"""The import_condition command and the article format it reads."""

import html
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conditions.importer import ArticleFormatError, parse_article
from conditions.models import Condition, ConditionRiskFactor, RiskFactor, Treatment
from conditions.sections import SECTION_NAMES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("body_regions")]

SEED_RISK_FACTORS = [
    "Dehydration",
    "Low salt levels (potassium and sodium)",
    "Inadequate carbohydrate intake",
    "Excessive muscle tightness",
    "Neural tightness",
    "Muscle weakness",
    "Muscle or neural fatigue",
    "Excessive training or activity (particularly running or running sports)",
    "A lack of fitness or conditioning",
    "Joint stiffness (particularly of the ankle, heel or foot)",
    "Poor biomechanics of the foot (such as flat feet)",
    "Inappropriate footwear, equipment or training surfaces",
    "Certain medications",
    "Poor recovery strategies between training sessions or matches",
    "A lack of sleep",
]
SEED_TREATMENTS = [
    "soft tissue massage",
    "stretches",
    "joint mobilization",
    "heat treatment",
    "electrotherapy (e.g. ultrasound)",
    "exercises to improve strength, flexibility, fitness or balance",
    "education",
    "activity modification advice",
    "biomechanical correction",
    "footwear advice",
    "a gradual return to activity program",
]
SEED_HEADINGS = {
    "What is a calf cramp?",
    "Causes of a calf cramp",
    "Signs and symptoms of a calf cramp",
    "Diagnosis of a calf cramp",
    "Treatment for a calf cramp",
    "Physical therapy for a calf cramp",
}


def seed_paragraphs(seed_path):
    lines = [line.strip() for line in seed_path.read_text(encoding="utf-8").splitlines()]
    body = lines[lines.index("Calf Cramps") + 1 :]
    return [line for line in body if line and line not in SEED_HEADINGS and line[0] != "•"]


def run_import(*args):
    out, err = StringIO(), StringIO()
    call_command("import_condition", *map(str, args), stdout=out, stderr=err)
    return out.getvalue()


def test_it_imports_the_seed_as_calf_cramps_in_the_lower_leg(seed_path):
    output = run_import(seed_path, "--publish")
    condition = Condition.objects.get()
    assert condition.title == "Calf Cramps"
    assert condition.slug == "calf-cramps"
    assert condition.is_published and condition.published_at is not None
    assert [region.name for region in condition.body_regions.all()] == ["Lower leg"]
    assert "created Calf Cramps (calf-cramps, published)" in output
    assert "15 risk factors (15 new), 11 treatments (11 new)" in output


def test_it_keeps_the_seeds_risk_factors_and_treatments_in_order(seed_path):
    run_import(seed_path)
    condition = Condition.objects.get()
    assert [link.risk_factor.name for link in condition.risk_factor_links.all()] == (
        SEED_RISK_FACTORS
    )
    assert [link.treatment.name for link in condition.treatment_links.all()] == SEED_TREATMENTS
    assert [link.order for link in condition.risk_factor_links.all()] == list(range(1, 16))


SEED_SUMMARY = (
    "A calf cramp is an involuntary and painful contraction of the calf muscle that can occur "
    "suddenly and may prevent the individual from continuing activity."
)


def test_it_keeps_every_paragraph_word_for_word(seed_path, client):
    run_import(seed_path, "--publish")
    condition = Condition.objects.get()
    first, *paragraphs = seed_paragraphs(seed_path)
    assert len(paragraphs) == 10
    # The first paragraph's first sentence is the summary; the rest of it opens the overview.
    assert first.startswith(SEED_SUMMARY + " ")
    paragraphs.insert(0, first.removeprefix(SEED_SUMMARY + " "))
    stored = "\n\n".join(getattr(condition, name) for name in SECTION_NAMES)
    page = html.unescape(client.get("/conditions/calf-cramps/").content.decode())
    for paragraph in paragraphs:
        assert paragraph in stored
        assert f"<p>{paragraph}</p>" in page
    assert f'<p class="lead condition-summary">{SEED_SUMMARY}</p>' in page
    assert condition.physical_therapy.endswith("Treatment may comprise:")
    assert condition.summary == SEED_SUMMARY


def test_the_summary_is_not_repeated_as_the_overviews_first_sentence(seed_path, client):
    run_import(seed_path, "--publish")
    condition = Condition.objects.get()
    assert condition.overview.startswith("Research suggests the mechanism of cramps")
    assert SEED_SUMMARY not in condition.overview
    page = html.unescape(client.get("/conditions/calf-cramps/").content.decode())
    # Shown once as text, the lead paragraph (the meta description and JSON-LD aside).
    assert page.count(f">{SEED_SUMMARY}<") == 1
    assert f"<p>{SEED_SUMMARY}" not in page


def test_an_overview_of_one_sentence_is_all_summary(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(
        "Cramps\n\nWhat is a cramp?\nA painful spasm.\nIt passes.\n\nCauses of cramps\nHeat.\n",
        encoding="utf-8",
    )
    run_import(article)
    condition = Condition.objects.get()
    assert condition.summary == "A painful spasm."
    assert condition.overview == "It passes."
    assert run_import(article).strip().endswith("unchanged Cramps (cramps)")


def test_an_editors_own_summary_keeps_the_overviews_first_sentence(seed_path):
    run_import(seed_path)
    condition = Condition.objects.get()
    condition.summary = "Sudden, painful tightening of the calf."
    condition.save(update_fields=["summary"])
    output = run_import(seed_path)
    condition.refresh_from_db()
    assert condition.summary == "Sudden, painful tightening of the calf."
    assert condition.overview.startswith(SEED_SUMMARY + " Research suggests")
    assert "updated Calf Cramps (calf-cramps): overview" in output
    assert "unchanged Calf Cramps" in run_import(seed_path)


def test_a_long_first_sentence_stays_in_the_overview(tmp_path):
    sentence = "A cramp " + "really " * 60 + "hurts."
    article = tmp_path / "a.txt"
    article.write_text(f"Cramps\n\nWhat is a cramp?\n{sentence} Then it passes.\n", "utf-8")
    run_import(article)
    condition = Condition.objects.get()
    assert condition.summary.endswith("…")
    assert condition.overview == f"{sentence} Then it passes."


def test_importing_the_same_file_again_changes_nothing(seed_path):
    run_import(seed_path, "--publish")
    before = Condition.objects.values().get()
    links_before = list(ConditionRiskFactor.objects.values_list("pk", "risk_factor_id", "order"))
    output = run_import(seed_path, "--publish")
    assert "unchanged Calf Cramps (calf-cramps)" in output
    assert Condition.objects.count() == 1
    assert RiskFactor.objects.count() == 15
    assert Treatment.objects.count() == 11
    assert Condition.objects.values().get() == before
    assert list(ConditionRiskFactor.objects.values_list("pk", "risk_factor_id", "order")) == (
        links_before
    )


def test_an_edited_file_updates_the_article_and_keeps_shared_rows(seed_path, tmp_path):
    run_import(seed_path)
    dehydration = RiskFactor.objects.get(name="Dehydration")
    text = seed_path.read_text(encoding="utf-8")
    text = text.replace("  • A lack of sleep", "  • A lack of sleep\n  • Cold weather")
    text = text.replace("  • Dehydration\n", "")
    text = text.replace("Occasionally further investigation", "Sometimes further investigation")
    edited = tmp_path / "calf-cramps.txt"
    edited.write_text(text, encoding="utf-8")

    output = run_import(edited)

    condition = Condition.objects.get()
    assert "updated Calf Cramps (calf-cramps): diagnosis, risk factors" in output
    assert condition.diagnosis.count("Sometimes further investigation") == 1
    names = [link.risk_factor.name for link in condition.risk_factor_links.all()]
    assert names == [*SEED_RISK_FACTORS[1:], "Cold weather"]
    # The unlinked row stays for other conditions; nothing is duplicated.
    assert RiskFactor.objects.filter(pk=dehydration.pk).exists()
    assert RiskFactor.objects.count() == 16


def test_it_matches_risk_factors_by_name_across_articles(seed_path, tmp_path):
    run_import(seed_path)
    other = tmp_path / "shin.txt"
    other.write_text(
        "Shin Splints\n\nWhat are shin splints?\nPain along the shin.\n\n"
        "Causes of shin splints\nFactors include:\n  • DEHYDRATION\n  • Muscle weakness\n"
        "  • Hard training surfaces\n",
        encoding="utf-8",
    )
    output = run_import(other)
    assert "3 risk factors (1 new)" in output
    dehydration = RiskFactor.objects.get(name="Dehydration")
    assert sorted(dehydration.conditions.values_list("slug", flat=True)) == [
        "calf-cramps",
        "shin-splints",
    ]


def test_an_also_known_as_line_sets_the_alternate_names(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(
        "Calf Cramps\nAlso known as: charley horse, leg cramp\n\nWhat is a calf cramp?\nA cramp.\n",
        encoding="utf-8",
    )
    run_import(article)
    assert Condition.objects.get().alternate_names == ["charley horse", "leg cramp"]


def test_a_malformed_file_is_refused_with_its_line_and_nothing_is_written(seed_path, tmp_path):
    text = seed_path.read_text(encoding="utf-8")
    lines = text.split("\n")
    heading = lines.index("Diagnosis of a calf cramp")
    lines.insert(heading + 2, "Causes of a calf cramp")  # a second causes heading
    broken = tmp_path / "broken.txt"
    broken.write_text("\n".join(lines), encoding="utf-8")

    with pytest.raises(CommandError, match="1 of 1 file"):
        call_command("import_condition", str(broken), stdout=StringIO(), stderr=(err := StringIO()))

    assert f"line {heading + 3}: a second 'Causes of …' heading" in err.getvalue()
    assert "nothing was imported" in err.getvalue()
    assert Condition.objects.count() == 0
    assert RiskFactor.objects.count() == 0
    assert Treatment.objects.count() == 0


def test_a_bad_file_does_not_stop_the_good_ones(seed_path, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("Just a line of text.\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_condition", str(empty), str(seed_path), stdout=StringIO(), stderr=err)
    assert "line 1: no section heading found" in err.getvalue()
    assert Condition.objects.filter(slug="calf-cramps").exists()


def test_a_file_that_is_not_utf8_names_its_line(tmp_path):
    binary = tmp_path / "latin1.txt"
    binary.write_bytes("Calf Cramps\n\nWhat is a calf cramp?\nCaf\xe9 au lait\n".encode("latin-1"))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_condition", str(binary), stdout=StringIO(), stderr=err)
    assert "line 4: the file is not UTF-8 text" in err.getvalue()
    assert Condition.objects.count() == 0


def test_an_unknown_body_region_is_refused_before_anything_is_read(seed_path):
    with pytest.raises(CommandError, match="Unknown body region 'elbows'"):
        run_import(seed_path, "--body-region", "elbows")
    assert Condition.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("What is a cramp?\nA cramp.\n", 1, "expected the article's title"),
        ("Cramps\nWhat is a cramp?\nText.\n  •\n", 4, "a bullet with no text"),
        ("A long sentence that is not a title.\nWhat is a cramp?\nText.\n", 1, "title"),
        (
            "Cramps\nWhat is a cramp?\nText.\nCauses of cramps\n  • Heat\n  • heat\n",
            6,
            "listed twice",
        ),
    ],
)
def test_parse_errors_name_the_line_and_the_reason(text, line, reason):
    with pytest.raises(ArticleFormatError) as error:
        parse_article(text)
    assert error.value.line == line
    assert reason in str(error.value)


def test_markdown_characters_in_the_text_stay_plain_text():
    article = parse_article("Cramps\nWhat is a cramp?\n1. Not a list *really* <b>.\n")
    assert article.sections["overview"] == "1\\. Not a list \\*really\\* <b>."
