from django import template

from clinic.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Markdown source to sanitised HTML (see clinic.markdown)."""
    return render_markdown(text)
