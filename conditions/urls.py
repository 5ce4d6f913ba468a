from django.urls import path

from conditions import views

app_name = "conditions"
urlpatterns = [
    path("conditions/", views.condition_index, name="index"),
    path("conditions/<slug:slug>/", views.condition_detail, name="detail"),
    path("risk-factors/<slug:slug>/", views.risk_factor_detail, name="risk_factor"),
    path("search/", views.search, name="search"),
]
