"""Calendar feeds under /schedule/: the .ics feed and the page to subscribe or regenerate it."""

from django.urls import path

from bookings import feeds

app_name = "feeds"
urlpatterns = [
    path("feed/<str:token>.ics", feeds.feed, name="feed"),
    path("calendar/", feeds.calendar_page, name="calendar"),
]
