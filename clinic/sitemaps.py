"""The staff pages in the sitemap, in both languages with their alternates (conditions/sitemaps.py
composes the site's sitemap and lists this one)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from clinic.models import Page


class StaffPageSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "yearly"
    priority = 0.3

    def items(self):
        return Page.objects.published().only("slug", "updated_at").order_by("order", "slug")

    def location(self, page):
        return reverse("page", kwargs={"slug": page.slug})

    def lastmod(self, page):
        return page.updated_at
