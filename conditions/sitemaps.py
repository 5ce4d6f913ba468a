from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from clinic.sitemaps import StaffPageSitemap
from conditions.models import Condition, RiskFactor


class BothLanguages(Sitemap):
    """Every page once per language (settings.LANGUAGES), each listing the others as alternates."""

    i18n = True
    alternates = True
    x_default = True


class ConditionSitemap(BothLanguages):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Condition.objects.published().only("slug", "updated_at").order_by("slug")

    def lastmod(self, condition):
        return condition.updated_at


class RiskFactorSitemap(BothLanguages):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return RiskFactor.objects.public().only("slug").order_by("slug")


class PagesSitemap(BothLanguages):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return [
            "home",
            "conditions:index",
            "bookings:team",
            "bookings:services",
            "bookings:find_us",
        ]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": PagesSitemap,
    "conditions": ConditionSitemap,
    "risk-factors": RiskFactorSitemap,
    "staff-pages": StaffPageSitemap,
}
