from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from advisors import views as advisors_views
from core import views as core_views
from engagements.views import client_link, week

admin.site.site_header = "Rapport administration"
admin.site.site_title = "Rapport admin"

urlpatterns = [
    path("", advisors_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("accounts/password_reset/", core_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("engagements/", include("engagements.urls")),
    path("advisors/", include("advisors.urls")),
    path("cases/", include("casestudies.urls")),
    # No login: the signed token is the key, and it opens this one plan only.
    path("p/<str:token>/", client_link.client_plan, name="client_plan"),
    path("p/<str:token>/file/", client_link.client_plan_file, name="client_plan_file"),
    path("calendar/<str:token>.ics", week.calendar_feed, name="calendar_feed"),
    path(getattr(settings, "ADMIN_URL", "admin/"), admin.site.urls),
]
