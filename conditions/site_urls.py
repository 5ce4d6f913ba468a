"""The site's own files, outside the language prefixes: one sitemap (every page in both
languages, with its alternates) and robots.txt."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from conditions import views
from conditions.sitemaps import SITEMAPS

urlpatterns = [
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]
