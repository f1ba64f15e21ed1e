"""Staff see the community in the admin; state changes that have rules (publishing,
moderating) are made on the site, where the services run, so the admin shows them read-only."""

from django.contrib import admin

from . import models


@admin.register(models.Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "keywords"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.CaseStudy)
class CaseStudyAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "status", "published_at"]
    list_filter = ["status", "themes"]
    search_fields = ["title", "body", "question"]
    list_select_related = ["author"]
    # Publishing runs the anonymisation check: it happens on the site, not here.
    readonly_fields = [
        "status",
        "published_at",
        "published_by",
        "closed_at",
        "source_engagement",
        "author",
        "slug",
        "title",
        "body",
        "question",
        "closing_summary",
    ]

    def has_add_permission(self, request):
        return False


class EventInline(admin.TabularInline):
    model = models.CommentEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "action", "by", "reason"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["pk", "case", "author", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["body"]
    list_select_related = ["case", "author"]
    readonly_fields = ["case", "parent", "author", "body", "status", "edited_at"]
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False


@admin.register(models.MemberProfile)
class MemberProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "language", "confirmed_at"]
    search_fields = ["display_name", "user__email"]
    list_select_related = ["user"]
