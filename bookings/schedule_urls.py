"""Staff pages under /schedule/: therapists' and the front desk's schedules."""

app_name = "schedule"
urlpatterns = []
