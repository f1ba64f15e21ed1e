from django.urls import path

from . import views

app_name = "advisors"

urlpatterns = [
    path("settings/", views.my_settings, name="settings"),
    path("settings/calendar/reset/", views.reset_calendar_feed, name="reset_calendar_feed"),
]
