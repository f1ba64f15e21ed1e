from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import AdvisorProfile, Team

User = get_user_model()


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    list_filter = ["created_at"]


@admin.register(AdvisorProfile)
class AdvisorProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "seniority", "team", "manager", "reminder_lead_hours", "language"]
    list_filter = ["team", "seniority", "language"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email", "title"]
    list_select_related = ["user", "team", "manager"]
    autocomplete_fields = ["user", "manager", "team"]


class AdvisorProfileInline(admin.StackedInline):
    model = AdvisorProfile
    fk_name = "user"
    can_delete = False
    extra = 0
    autocomplete_fields = ["manager", "team"]


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [AdvisorProfileInline]
