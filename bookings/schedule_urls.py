"""Staff pages under /schedule/: therapists' and the front desk's schedules."""

from django.urls import path

from bookings import schedule

app_name = "schedule"
urlpatterns = [
    path("", schedule.schedule, name="schedule"),
    path("start/", schedule.start, name="start"),
    path("clinic/", schedule.clinic, name="clinic"),
    path("day-sheet/", schedule.day_sheet, name="day_sheet"),
    path("appointments/<int:pk>/", schedule.appointment, name="appointment"),
    path("appointments/<int:pk>/attendance/", schedule.attendance, name="attendance"),
    path("appointments/<int:pk>/undo/", schedule.undo_attendance, name="undo_attendance"),
    path("time-off/", schedule.time_off, name="time_off"),
    path("time-off/<int:pk>/remove/", schedule.remove_time_off, name="remove_time_off"),
]
