from django import template
from django.urls import NoReverseMatch, reverse

from clinic.i18n import language_links as links_for
from clinic.markdown import render_markdown

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """{% language_links as links %}: the page in each language (clinic/i18n.py)."""
    request = context.get("request")
    if request is None:
        return []
    return links_for(request, context.get("translated_paths"))


@register.filter
def markdown(text):
    """Markdown source to sanitised HTML (see clinic.markdown)."""
    return render_markdown(text)


@register.simple_tag
def url_if_exists(name, *args):
    """{% url_if_exists 'bookings:team' as team_url %}: the URL, or "" while no such page exists,
    so the frame can link a page before it lands."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""
