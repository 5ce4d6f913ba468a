"""Reading the clinic's plain-text articles into conditions.

The format, as in the clinic's existing articles (`conditions/seeds/calf-cramps.txt`):

    [clinic header: a few short lines before the title]
    Title
    [Also known as: lay term, other name]
    What is a calf cramp?                  -> overview
    paragraph, one per line
    Causes of a calf cramp                 -> causes; its "•" bullets are the risk factors
    Signs and symptoms of a calf cramp     -> symptoms
    Diagnosis of a calf cramp              -> diagnosis
    Treatment for a calf cramp             -> treatment
    Physical therapy for a calf cramp      -> physical therapy; its "•" bullets are the treatments
    (also: "Anatomy of ...", "Prevention of ...")

`parse_article` only reads; `save_article` writes one parsed article in one transaction and is
also what the demo content goes through.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import override

from clinic.markdown import escape_markdown
from conditions.models import (
    BodyRegion,
    Condition,
    ConditionRiskFactor,
    ConditionTreatment,
    RiskFactor,
    Treatment,
)
from conditions.sections import SECTION_NAMES, SECTIONS, Section

BULLET = "•"
MAX_HEADING_LENGTH = 100
MAX_TITLE_LENGTH = 120
SUMMARY_LENGTH = 300

# A heading is a short line that does not end a sentence (conditions.sections has each one's).
ALSO_KNOWN_AS = re.compile(r"also known as:\s*(?P<names>.+)", re.IGNORECASE)

# Body region from words in the title, used only when the article has no region yet.
REGION_WORDS = [
    ("lower-leg", ("calf", "calves", "shin", "achilles", "soleus", "tibia")),
    ("ankle-foot", ("ankle", "foot", "feet", "heel", "plantar", "toe")),
    ("knee", ("knee", "patella", "patellar", "meniscus", "acl")),
    ("thigh", ("hamstring", "quadriceps", "quad", "thigh")),
    ("hip-groin", ("hip", "groin", "adductor")),
    ("back", ("back", "lumbar", "spine", "disc")),
    ("shoulder", ("shoulder", "rotator", "ac joint")),
    ("elbow-forearm", ("elbow", "forearm", "epicondyl")),
    ("wrist-hand", ("wrist", "hand", "finger", "thumb")),
    ("head-neck", ("neck", "head", "concussion", "whiplash")),
]


class ArticleFormatError(ValueError):
    def __init__(self, line: int, reason: str):
        self.line = line
        self.reason = reason
        super().__init__(f"line {line}: {reason}")


@dataclass
class ParsedArticle:
    title: str
    sections: dict[str, str] = field(default_factory=dict)
    risk_factors: list[str] = field(default_factory=list)
    treatments: list[str] = field(default_factory=list)
    alternate_names: list[str] | None = None  # None: the file does not say; keep what is saved
    summary: str = ""
    header: list[str] = field(default_factory=list)
    # The overview without its first sentence, when that sentence is the summary: the page shows
    # the summary above the article and should not say it twice. None: nothing to drop.
    overview_after_summary: str | None = None

    @property
    def slug(self) -> str:
        return slugify(self.title)


@dataclass
class SaveResult:
    condition: Condition
    created: bool
    changed: list[str]
    new_risk_factors: int = 0
    new_treatments: int = 0

    def describe(self) -> str:
        c = self.condition
        links = (
            f"{c.risk_factor_links.count()} risk factors ({self.new_risk_factors} new), "
            f"{c.treatment_links.count()} treatments ({self.new_treatments} new)"
        )
        if self.created:
            return f"created {c.title} ({c.slug}, {c.get_status_display().lower()}); {links}"
        if self.changed:
            return f"updated {c.title} ({c.slug}): {', '.join(self.changed)}; {links}"
        return f"unchanged {c.title} ({c.slug})"


def _heading_of(line: str) -> Section | None:
    if len(line) > MAX_HEADING_LENGTH or line.endswith((".", ":", ";", ",")):
        return None
    return next((section for section in SECTIONS if section.heads(line)), None)


def parse_article(text: str) -> ParsedArticle:
    """Parse one article; raises ArticleFormatError naming the line and what is wrong."""
    lines = _lines_of(text)
    first_heading = next(
        (number for number, line in enumerate(lines) if _heading_of(line.strip())), None
    )
    if first_heading is None:
        raise ArticleFormatError(
            1, "no section heading found (an article starts with a heading like 'What is …?')"
        )
    article = _read_title(lines, first_heading)
    _read_sections(article, lines, first_heading)
    for kind, items in (("risk factor", article.risk_factors), ("treatment", article.treatments)):
        _refuse_repeats(lines, kind, items)
    _read_summary(article, lines, first_heading)
    return article


def _lines_of(text: str) -> list[str]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    return lines


def _read_title(lines: list[str], first_heading: int) -> ParsedArticle:
    """The title: the last line before the first heading, unless that is "Also known as"."""
    before = [(n, line.strip()) for n, line in enumerate(lines[:first_heading]) if line.strip()]
    alternate_names = None
    if before and ALSO_KNOWN_AS.fullmatch(before[-1][1]):
        names = ALSO_KNOWN_AS.fullmatch(before.pop()[1]).group("names")
        alternate_names = [name.strip() for name in names.split(",") if name.strip()]
    if not before:
        raise ArticleFormatError(
            first_heading + 1, "expected the article's title before this heading"
        )
    title_index, title = before[-1]
    if title.startswith(BULLET):
        raise ArticleFormatError(title_index + 1, "expected the article's title, found a bullet")
    if len(title) > MAX_TITLE_LENGTH or title.endswith((".", ":")) or not slugify(title):
        raise ArticleFormatError(
            title_index + 1,
            "expected the article's title (a short line, not a sentence) before the first heading",
        )
    return ParsedArticle(
        title=title, alternate_names=alternate_names, header=[line for _, line in before[:-1]]
    )


def _read_sections(article: ParsedArticle, lines: list[str], first_heading: int) -> None:
    """Each section's paragraphs as Markdown; the bullets of causes and physical therapy are the
    article's risk factors and treatments."""
    current = None
    paragraphs: dict[str, list[str]] = {}
    for index in range(first_heading, len(lines)):
        number, line = index + 1, lines[index].strip()
        if not line:
            continue
        section = _heading_of(line)
        if section:
            if section.name in paragraphs:
                raise ArticleFormatError(
                    number, f"a second '{section.article_heading}' heading in one article"
                )
            current = section.name
            paragraphs[current] = []
        elif line.startswith(BULLET):
            item = _bullet_text(number, line)
            if current == "causes":
                article.risk_factors.append(item)
            elif current == "physical_therapy":
                article.treatments.append(item)
            else:
                paragraphs[current].append("- " + escape_markdown(item))
        else:
            paragraphs[current].append(escape_markdown(line))
    article.sections = {name: _join_blocks(blocks) for name, blocks in paragraphs.items()}


def _bullet_text(number: int, line: str) -> str:
    item = line[len(BULLET) :].strip()
    if not item:
        raise ArticleFormatError(number, "a bullet with no text")
    if len(item) > 200:
        raise ArticleFormatError(number, "a bullet longer than 200 characters")
    return item


def _refuse_repeats(lines: list[str], kind: str, items: list[str]) -> None:
    seen = set()
    for item in items:
        if item.lower() in seen:
            raise ArticleFormatError(
                _line_of(lines, BULLET, item), f"the {kind} '{item}' is listed twice"
            )
        seen.add(item.lower())


def _join_blocks(blocks: list[str]) -> str:
    # Paragraphs are separated by a blank line; consecutive bullets stay one list.
    text = ""
    for block in blocks:
        if text:
            both_bullets = block.startswith("- ") and text.rsplit("\n", 1)[-1].startswith("- ")
            text += "\n" if both_bullets else "\n\n"
        text += block
    return text


def _line_of(lines: list[str], bullet: str, item: str) -> int:
    matches = [n for n, line in enumerate(lines, 1) if line.strip().lstrip(bullet).strip() == item]
    return matches[-1] if matches else 1


def _read_summary(article: ParsedArticle, lines: list[str], first_heading: int) -> None:
    """The summary is the first sentence of the article's first paragraph. When that paragraph
    opens the overview, the overview without the sentence is kept too (the rest of the
    paragraph stays), for `save_article` to store when the summary is that sentence."""
    paragraph = _first_paragraph(lines, first_heading)
    match = re.match(r"(.+?[.!?])(\s|$)", paragraph)
    sentence = match.group(1) if match else paragraph
    rest = paragraph[match.end() :].strip() if match else ""
    if len(sentence) > SUMMARY_LENGTH:
        article.summary = sentence[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0] + "…"
        return  # shortened: the overview still has the whole sentence, and needs it
    article.summary = sentence
    overview = article.sections.get("overview", "")
    opening = escape_markdown(paragraph)
    if not sentence or not overview.startswith(opening):
        return
    after = overview[len(opening) :]
    if after and not after.startswith("\n"):
        return  # the paragraph goes on (not a whole line): leave it as written
    article.overview_after_summary = escape_markdown(rest) + after if rest else after.lstrip("\n")


def _first_paragraph(lines: list[str], first_heading: int) -> str:
    for line in lines[first_heading + 1 :]:
        line = line.strip()
        if line and not line.startswith(BULLET) and not _heading_of(line):
            return line
    return ""


def guess_body_region(title: str) -> BodyRegion | None:
    words = title.lower()
    for slug, keys in REGION_WORDS:
        if any(re.search(rf"\b{re.escape(key)}", words) for key in keys):
            return BodyRegion.objects.filter(slug=slug).first()
    return None


def _unique_slug(model, name: str) -> str:
    base = slugify(name)[:190] or "item"
    slug, suffix = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def _rows_by_name(model, names: list[str]) -> tuple[list, int]:
    """The rows for these names in order, matched case-insensitively, creating missing ones."""
    existing = {
        row.name.lower(): row
        for row in model.objects.annotate(lower_name=Lower("name")).filter(
            lower_name__in=[name.lower() for name in names]
        )
    }
    rows, created = [], 0
    for name in names:
        row = existing.get(name.lower())
        if row is None:
            row = model.objects.create(name=name, slug=_unique_slug(model, name))
            existing[name.lower()] = row
            created += 1
        rows.append(row)
    return rows, created


def _sync_links(condition, link_model, target_field: str, rows: list) -> bool:
    """Make the condition's ordered links match `rows`; keeps notes of links that stay."""
    links = list(link_model.objects.filter(condition=condition).order_by("order", "pk"))
    wanted = [row.pk for row in rows]
    if [getattr(link, f"{target_field}_id") for link in links] == wanted and [
        link.order for link in links
    ] == list(range(1, len(rows) + 1)):
        return False
    notes = {getattr(link, f"{target_field}_id"): link.note for link in links}
    link_model.objects.filter(condition=condition).delete()
    link_model.objects.bulk_create(
        link_model(
            condition=condition, order=order, note=notes.get(row.pk, ""), **{target_field: row}
        )
        for order, row in enumerate(rows, start=1)
    )
    return True


@transaction.atomic
@override(settings.LANGUAGE_CODE)  # the clinic's articles are English: their fields, whatever
def save_article(  # language the caller runs in
    article: ParsedArticle, *, publish: bool = False, body_region: BodyRegion | None = None
) -> SaveResult:
    """Create or update the condition for a parsed article, matched by slug; one transaction.

    Only what the article says is written: fields it has no text for keep an editor's values
    (alternate names unless it has an "Also known as" line, body regions unless given or guessed
    for a new condition). Saving the same article twice changes nothing. The database keeps the
    search vector current (conditions migration 0008).
    """
    condition = Condition.objects.select_for_update().filter(slug=article.slug).first()
    created = condition is None
    if created:
        condition = Condition(slug=article.slug)
    changed = _save_text(condition, article, created=created, publish=publish)
    fields_saved = bool(changed)

    region = body_region or (guess_body_region(article.title) if created else None)
    if region is not None and not condition.body_regions.filter(pk=region.pk).exists():
        condition.body_regions.add(region)
        changed.append("body region")
    risk_factors, new_risk_factors = _rows_by_name(RiskFactor, article.risk_factors)
    if _sync_links(condition, ConditionRiskFactor, "risk_factor", risk_factors):
        changed.append("risk factors")
    treatments, new_treatments = _rows_by_name(Treatment, article.treatments)
    if _sync_links(condition, ConditionTreatment, "treatment", treatments):
        changed.append("treatments")

    if changed and not fields_saved:
        # Only links changed: the article still counts as updated (sitemap lastmod).
        Condition.objects.filter(pk=condition.pk).update(updated_at=timezone.now())
    return SaveResult(
        condition=condition,
        created=created,
        changed=[] if created else changed,
        new_risk_factors=new_risk_factors,
        new_treatments=new_treatments,
    )


def _save_text(condition: Condition, article: ParsedArticle, *, created: bool, publish: bool):
    """Write the article's title, sections, summary and names where they differ; the names of
    the fields changed (all of them, for a new condition, which is saved whatever it holds)."""
    values = {"title": article.title}
    values.update({name: article.sections.get(name, "") for name in SECTION_NAMES})
    if article.summary and (created or not condition.summary):
        values["summary"] = article.summary
    if (
        article.overview_after_summary is not None
        and values.get("summary", condition.summary) == article.summary
    ):
        values["overview"] = article.overview_after_summary
    if article.alternate_names is not None:
        values["alternate_names"] = article.alternate_names
    changed = [name for name, value in values.items() if getattr(condition, name) != value]
    for name, value in values.items():
        setattr(condition, name, value)
    if publish and not condition.is_published:
        condition.publish()
        changed.append("status")
    if created:
        condition.save()
    elif changed:
        condition.save(update_fields=[*changed, "published_at", "updated_at"])
    return changed


def import_article_file(
    path: Path, *, publish: bool = False, body_region: BodyRegion | None = None
) -> SaveResult:
    """Read, parse and save one file. Raises ArticleFormatError before anything is written."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ArticleFormatError(line, "the file is not UTF-8 text") from None
    return save_article(parse_article(text), publish=publish, body_region=body_region)
