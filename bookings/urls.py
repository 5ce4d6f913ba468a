from django.urls import path

from bookings import views

app_name = "bookings"
urlpatterns = [
    path("book/", views.book, name="book"),
    path("book/details/", views.details, name="details"),
    path("book/review/", views.review, name="review"),
    path("book/confirmed/", views.confirmed, name="confirmed"),
    path("appointments/<str:token>/", views.manage, name="manage"),
    path("appointments/<str:token>/cancel/", views.manage_cancel, name="manage_cancel"),
    path("appointments/<str:token>/reschedule/", views.manage_reschedule, name="manage_reschedule"),
]
