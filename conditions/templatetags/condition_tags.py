from django import template

from conditions.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Markdown source to sanitised HTML (see conditions.markdown)."""
    return render_markdown(text)
