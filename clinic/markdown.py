"""Markdown for article and staff-page text: rendered, then sanitised, so editors get lists and
links and nobody gets to run script.

Raw HTML in the source is not passed through: it shows as text. nh3 then removes anything the
renderer could still produce that is not on the allow-list (defence in depth).
"""

import re

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "p", "br", "ul", "ol", "li", "a", "em", "strong", "code", "blockquote",
    "h2", "h3", "h4", "h5", "h6",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# A section's own heading is an <h2> on the page; headings written inside a section start below.
HEADING_OFFSET = 2
# A staff page's text follows the page's <h1>: its headings start at <h2>.
PAGE_HEADING_OFFSET = 1


class _ShiftHeadings(Treeprocessor):
    def __init__(self, md, offset: int):
        super().__init__(md)
        self.offset = offset

    def run(self, root):
        for element in root.iter():
            match = re.fullmatch(r"h([1-6])", element.tag)
            if match:
                element.tag = f"h{min(int(match.group(1)) + self.offset, 6)}"


def _renderer(heading_offset: int) -> markdown.Markdown:
    renderer = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    renderer.preprocessors.deregister("html_block")
    renderer.inlinePatterns.deregister("html")
    renderer.treeprocessors.register(_ShiftHeadings(renderer, heading_offset), "shift_headings", 0)
    return renderer


def render_markdown(text: str, *, heading_offset: int = HEADING_OFFSET) -> SafeString:
    """Markdown source to sanitised HTML, safe to put in a template as is. `# Heading` becomes
    h(1 + heading_offset)."""
    if not text or not text.strip():
        return mark_safe("")  # noqa: S308 - empty string
    html = _renderer(heading_offset).convert(text)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above


# Raw HTML is never rendered, so "<" needs no escape; these would otherwise become markup.
_INLINE_SPECIALS = re.compile(r"([\\`*_\[\]])")
_BLOCK_START = re.compile(r"^(\s*)(?:([#>+-])|(\d+)([.)]))(?=\s)")


def escape_markdown(text: str) -> str:
    """Plain text to Markdown source that renders back to the same words (used by the importer)."""
    text = _INLINE_SPECIALS.sub(r"\\\1", text)
    return _BLOCK_START.sub(_escape_block_start, text, count=1)


def _escape_block_start(match: re.Match) -> str:
    indent, marker, number, punctuation = match.groups()
    if marker:
        return f"{indent}\\{marker}"
    return f"{indent}{number}\\{punctuation}"
