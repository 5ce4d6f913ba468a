from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from conditions.models import Condition, RiskFactor


class ConditionSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Condition.objects.published().only("slug", "updated_at").order_by("slug")

    def lastmod(self, condition):
        return condition.updated_at


class RiskFactorSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return RiskFactor.objects.public().only("slug").order_by("slug")


class PagesSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return ["home", "conditions:index"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "pages": PagesSitemap,
    "conditions": ConditionSitemap,
    "risk-factors": RiskFactorSitemap,
}
