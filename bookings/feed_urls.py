"""Calendar feeds under /schedule/: the .ics feed and the page to subscribe or regenerate it."""

app_name = "feeds"
urlpatterns = []
