from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from core import views as core_views

admin.site.site_header = "Rapport administration"
admin.site.site_title = "Rapport admin"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("engagements/", include("engagements.urls")),
    path(getattr(settings, "ADMIN_URL", "admin/"), admin.site.urls),
]
