from django.urls import path

from . import views

app_name = "casestudies"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("feed/", views.CaseFeed(), name="feed"),
    path("new/", views.case_create, name="create"),
    path("mine/", views.case_workspace, name="mine"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("join/", views.signup, name="signup"),
    path("join/sent/", views.signup_sent, name="signup_sent"),
    path("join/<uidb64>/<token>/", views.signup_confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/report/", views.comment_report, name="comment_report"),
    path("comments/<int:pk>/moderate/", views.comment_moderate, name="comment_moderate"),
    path("<slug:slug>/", views.case_detail, name="detail"),
    path("<slug:slug>/edit/", views.case_edit, name="edit"),
    path("<slug:slug>/comments/", views.comment_post, name="comment"),
    path("<slug:slug>/submit/", views.case_submit, name="submit"),
    path("<slug:slug>/publish/", views.case_publish, name="publish"),
    path("<slug:slug>/close/", views.case_close, name="close"),
    path("<slug:slug>/archive/", views.case_archive, name="archive"),
]
