from django import template

from clinic.markdown import PAGE_HEADING_OFFSET, render_markdown

register = template.Library()


@register.filter
def page_markdown(text):
    """A staff page's Markdown as sanitised HTML, its headings starting at <h2> under the
    page's <h1> (see clinic.markdown)."""
    return render_markdown(text, heading_offset=PAGE_HEADING_OFFSET)
