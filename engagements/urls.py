from django.urls import path

from .views import checkpoints, clients, engagements, lessons, meetings, plans, week

app_name = "engagements"

urlpatterns = [
    path("", engagements.engagement_list, name="list"),
    path("clients/suggest/", engagements.client_suggest, name="client_suggest"),
    path("new/", engagements.engagement_create, name="create"),
    path("new/lessons/", engagements.intake_panel_fragment, name="intake_panel"),
    path("<int:pk>/", engagements.engagement_detail, name="detail"),
    path("<int:pk>/edit/", engagements.engagement_edit, name="edit"),
    path("<int:pk>/timeline/", engagements.engagement_timeline, name="timeline"),
    path("<int:pk>/meetings/", engagements.meeting_list, name="meeting_list"),
    path("<int:pk>/lessons/take/", lessons.lesson_take, name="lesson_take"),
    path("<int:pk>/lessons/untake/", lessons.lesson_untake, name="lesson_untake"),
    path("lessons/", lessons.lesson_search, name="lesson_search"),
    path("profile/", lessons.client_profile, name="client_profile"),
    path("profile/edit/", lessons.client_profile_edit, name="client_profile_edit"),
    path("<int:engagement_pk>/plans/new/", plans.plan_upload, name="plan_upload"),
    path("<int:engagement_pk>/meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("<int:engagement_pk>/checkpoints/new/", checkpoints.checkpoint_create, name="checkpoint_create"),
    path("plans/<int:pk>/file/", plans.plan_download, name="plan_download"),
    path("plans/<int:pk>/share/", plans.plan_share, name="plan_share"),
    path("shares/<int:pk>/revoke/", plans.plan_share_revoke, name="plan_share_revoke"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/log/", meetings.meeting_log, name="meeting_log"),
    path("meetings/<int:pk>/meeting.ics", meetings.meeting_ics, name="meeting_ics"),
    path("checkpoints/<int:pk>/answer/", checkpoints.checkpoint_answer, name="checkpoint_answer"),
    path("checkpoints/<int:pk>/waive/", checkpoints.checkpoint_waive, name="checkpoint_waive"),
    path("clients/", clients.client_list, name="clients"),
    path("clients/new/", clients.client_create, name="client_create"),
    path("clients/<int:pk>/", clients.client_detail, name="client"),
    path("clients/<int:pk>/edit/", clients.client_edit, name="client_edit"),
    path("clients/<int:client_pk>/contacts/new/", clients.contact_create, name="contact_create"),
    path("clients/<int:client_pk>/complaints/new/", clients.complaint_create, name="complaint_create"),
    path("contacts/<int:pk>/edit/", clients.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/left/", clients.contact_left, name="contact_left"),
    path("week/", week.my_week, name="my_week"),
]
