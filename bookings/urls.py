"""Every bookings URL, in the three namespaces links reverse: `bookings` (the patient's booking flow
and their appointment's pages, in English and French), `schedule` and `feeds` (staff pages under
/schedule/, in English)."""

from django.urls import include, path, re_path

from bookings.views import (
    booking,
    confirm,
    contact,
    courses,
    feeds,
    grid,
    intake,
    manage,
    patients,
    schedule,
    team,
    time_off,
    waitlist,
    weekly,
)

booking_patterns = [
    path("book/", booking.book, name="book"),
    path("book/details/", booking.details, name="details"),
    path("book/review/", booking.review, name="review"),
    path("book/confirmed/", confirm.confirmed, name="confirmed"),
    path("intake/<str:token>/", intake.start, name="intake"),
    path("intake/<str:token>/done/", intake.finish, name="intake_finish"),
    path("intake/<str:token>/<slug:section>/", intake.section, name="intake_section"),
    path("my/", patients.my, name="my"),
    path("my/sign-in/<str:token>/", patients.sign_in, name="my_sign_in"),
    path("my/sign-out/", patients.sign_out, name="my_sign_out"),
    path("my/details/", patients.details, name="my_details"),
    path("my/data.json", patients.export, name="my_export"),
    path("my/delete/", patients.delete, name="my_delete"),
    path("waitlist/", waitlist.join, name="waitlist_join"),
    path("waitlist/offers/<str:token>/", waitlist.offer, name="offer"),
    path("waitlist/<str:token>/", waitlist.entry, name="waitlist_entry"),
    path("appointments/<str:token>/", manage.manage, name="manage"),
    path("appointments/<str:token>/cancel/", manage.manage_cancel, name="manage_cancel"),
    path("appointments/<str:token>/weekly/", weekly.weekly, name="weekly"),
    path(
        "appointments/<str:token>/reschedule/", manage.manage_reschedule, name="manage_reschedule"
    ),
    path("find-us/", contact.find_us, name="find_us"),
    path("find-us/sent/", contact.contact_sent, name="contact_sent"),
    path("team/", team.team, name="team"),
    path("services/", team.services, name="services"),
]

# Calendar feeds: the .ics feed and the page to subscribe or regenerate it.
feed_patterns = [
    path("feed/<str:token>.ics", feeds.feed, name="feed"),
    path("calendar/", feeds.calendar_page, name="calendar"),
]

# Therapists' and the front desk's schedules.
schedule_patterns = [
    path("", schedule.schedule, name="schedule"),
    path("start/", schedule.start, name="start"),
    path("clinic/", grid.clinic, name="clinic"),
    path("book/", grid.book, name="book"),
    path("day-sheet/", schedule.day_sheet, name="day_sheet"),
    path("appointments/<int:pk>/", schedule.appointment, name="appointment"),
    path("appointments/<int:pk>/attendance/", schedule.attendance, name="attendance"),
    path("appointments/<int:pk>/undo/", schedule.undo_attendance, name="undo_attendance"),
    path("appointments/<int:pk>/move/", grid.move, name="move"),
    path("appointments/<int:pk>/cancel/", grid.cancel, name="cancel"),
    path("appointments/<int:pk>/intake/", intake.staff_answers, name="intake"),
    path("courses/new/", courses.new_course, name="new_course"),
    path("courses/<int:pk>/", courses.course, name="course"),
    path("courses/<int:pk>/cancel/", courses.cancel_course, name="cancel_course"),
    path("time-off/", time_off.time_off, name="time_off"),
    path("time-off/<int:pk>/remove/", time_off.remove_time_off, name="remove_time_off"),
]

# The patient's pages, in both languages (clinic/urls.py puts them under i18n_patterns).
urlpatterns = [path("", include((booking_patterns, "bookings")))]

# Therapists' photos: one URL whatever the page's language, carrying the upload's digest.
photo_patterns = [
    re_path(
        r"^(?P<therapist_id>[0-9]{1,18})/(?P<digest>[0-9a-f]{64})-(?P<width>[0-9]{1,4})"
        r"\.(?P<extension>webp|jpg)$",
        team.photo,
        name="photo",
    ),
]

# Staff pages, in English only (and the photos, in no language).
staff_urlpatterns = [
    path("schedule/", include((feed_patterns, "feeds"))),
    path("schedule/", include((schedule_patterns, "schedule"))),
    path("team/photos/", include((photo_patterns, "team"))),
]
