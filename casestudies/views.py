"""The community's pages. Reading needs no login; everything else goes through policy.py,
and what an anonymous caller or a member can post is rate limited (core.security)."""

from functools import partial

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import ApplicationError
from core.form_views import form_page, render_form, run_service
from core.security import over_limit
from engagements.selectors import engagement_lesson

from . import policy, selectors, services
from .forms import CaseStudyForm, CloseForm, CommentEditForm, CommentForm, ModerateForm, ReportForm, SignupForm
from .markup import plain_text, render_markdown
from .models import CaseStudy
from .people import display_name

FORM = "casestudies/form.html"


# --- reading ------------------------------------------------------------------------------------
def case_list(request):
    """casestudies/case_list.html: published cases, by theme and search, ten a page."""
    data = selectors.casestudy_list_page(
        q=request.GET.get("q", "").strip()[:200], theme=request.GET.get("theme", ""), page=request.GET.get("page", 1)
    )
    return render(request, "casestudies/case_list.html", {"data": data, "can_author": policy.can_author(request.user)})


def case_detail(request, slug, *, comment_form=None, status=200):
    """casestudies/case_detail.html: the case, its question, the thread, and the reply form."""
    case = policy.get_case_for_user(request.user, slug)
    raw = comment_form.data.get("parent") if comment_form is not None and comment_form.is_bound else None
    reply_to = _int_or_none(raw if raw is not None else request.GET.get("reply"))
    page = selectors.casestudy_page(case=case, user=request.user, reply_to=reply_to)
    if comment_form is None:
        comment_form = CommentForm(initial={"parent": page.replying_to.comment.pk if page.replying_to else None})
    context = {"page": page, "case": case, "comment_form": comment_form}
    return render(request, "casestudies/case_detail.html", context, status=status)


def _int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class CaseFeed(Feed):
    """An Atom feed of the newest published cases."""

    feed_type = Atom1Feed
    title = gettext_lazy("Rapport case studies")
    subtitle = gettext_lazy("Anonymised cases from consultancy practice, for discussion.")

    def link(self):
        return reverse("casestudies:list")

    def items(self):
        return selectors.casestudy_list_public()[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return plain_text(item.body, limit=400)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return display_name(item.author)


# --- authoring ---------------------------------------------------------------------------------
def _source_lesson(request, raw):
    if raw in (None, ""):
        return None
    try:
        lesson = engagement_lesson(engagement_id=int(raw), user=request.user)
    except (TypeError, ValueError):
        lesson = None
    if lesson is None:
        raise Http404(_("No engagement found."))
    return lesson


def _with_preview(request, form, **page):
    preview = render_markdown(request.POST.get("body", "")) if "preview" in request.POST else None
    return render_form(request, form=form, template=FORM, preview=preview, **page)


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request):
    """A new case, from scratch or (?engagement=<pk>) from an engagement's lesson."""
    policy.require_author(request.user)
    source = request.POST.get("source_engagement") if request.method == "POST" else request.GET.get("engagement")
    lesson = _source_lesson(request, source)
    initial = {"source_engagement": lesson.engagement_id} if lesson else {}
    if lesson and request.method == "GET":
        prefill = services.casestudy_prefill(lesson=lesson)
        initial |= {"title": prefill.title, "body": prefill.body, "question": prefill.question}
    form = CaseStudyForm(request.POST or None, initial=initial)
    page = {"title": _("New case study"), "back_url": reverse("casestudies:mine"), "lesson": lesson}
    if "preview" in request.POST:
        form.is_valid()
        return _with_preview(request, form, **page)
    save = partial(services.casestudy_create, author=request.user, source_engagement_id=lesson and lesson.engagement_id)
    return form_page(
        request,
        form,
        save=lambda source_engagement=None, **data: save(**data),
        success=_("The draft is saved. Nobody else sees it until it is published."),
        done_url=lambda case: case.get_absolute_url(),
        template=FORM,
        **page,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, slug):
    case = policy.get_case_to_edit(request.user, slug)
    # A copy for the form: validating a bound ModelForm writes into its instance.
    form = CaseStudyForm(request.POST or None, instance=CaseStudy.objects.get(pk=case.pk))
    page = {"title": _("Edit the case study"), "back_url": case.get_absolute_url(), "case": case}
    if "preview" in request.POST:
        form.is_valid()
        return _with_preview(request, form, **page)
    return form_page(
        request,
        form,
        save=lambda source_engagement=None, **data: services.casestudy_update(case=case, by=request.user, **data),
        success=_("The case study is saved."),
        done_url=case.get_absolute_url(),
        template=FORM,
        **page,
    )


def _act(request, slug, service, success, **kwargs):
    """A POST button on the case page: do it, or show the case again with the reason."""
    case = policy.get_case_for_user(request.user, slug)
    try:
        service(case=case, by=request.user, **kwargs)
    except services.NamesTheClient as refusal:
        messages.error(request, refusal.message)
        return case_detail(request, slug, status=400)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(case.get_absolute_url())
    messages.success(request, success)
    return redirect(case.get_absolute_url())


@require_POST
@login_required
def case_submit(request, slug):
    return _act(request, slug, services.casestudy_submit, _("Sent for review. A manager publishes it."))


@require_POST
@login_required
def case_publish(request, slug):
    return _act(request, slug, services.casestudy_publish, _("Published: the case is on the public pages now."))


@require_POST
@login_required
def case_archive(request, slug):
    return _act(request, slug, services.casestudy_archive, _("Archived: the case is off the public pages."))


@login_required
@require_http_methods(["GET", "POST"])
def case_close(request, slug):
    case = policy.get_case_to_close(request.user, slug)
    form = CloseForm(request.POST or None, initial={"closing_summary": case.closing_summary})
    return form_page(
        request,
        form,
        save=partial(services.casestudy_close, case=case, by=request.user),
        success=_("The discussion is closed, with your summary under the case."),
        done_url=case.get_absolute_url(),
        template=FORM,
        title=_("Close the discussion"),
        back_url=case.get_absolute_url(),
        case=case,
        submit=_("Close the discussion"),
    )


@login_required
def case_workspace(request):
    """casestudies/workspace.html: the author's own cases, and for editors the review queue."""
    policy.require_author(request.user)
    context = {
        "mine": selectors.casestudy_list_for_author(user=request.user),
        "in_review": selectors.casestudy_list_in_review() if policy.is_editor(request.user) else None,
    }
    return render(request, "casestudies/workspace.html", context)


# --- comments ----------------------------------------------------------------------------------
@require_POST
@login_required
def comment_post(request, slug):
    case = policy.get_case_for_user(request.user, slug)
    form = CommentForm(request.POST)
    if not policy.can_comment_on(request.user, case):
        messages.error(request, _("This discussion takes no comments."))
        return case_detail(request, slug, comment_form=form, status=403)
    if over_limit(request, name="comments_per_member", key=f"user:{request.user.pk}"):
        messages.error(request, _("You have posted many comments in a short time. Please wait a while and try again."))
        return case_detail(request, slug, comment_form=form, status=429)
    comment = None
    if form.is_valid():
        comment = run_service(
            request,
            form,
            services.comment_post,
            case=case,
            author=request.user,
            body=form.cleaned_data["body"],
            parent_id=form.cleaned_data["parent"],
        )
    if comment is None:
        if "parent" in form.errors:
            # The comment answered is gone (or was never on this case): say so, and offer the
            # text in the form below as a new comment, without the parent that failed.
            for error in form.errors["parent"]:
                messages.error(request, error)
            form = CommentForm(initial={"body": request.POST.get("body", "")})
            return case_detail(request, slug, comment_form=form, status=400)
        messages.error(request, _("Your comment was not posted. Please see below."))
        return case_detail(request, slug, comment_form=form, status=400)
    if comment.status == comment.Status.HELD:
        messages.info(request, _("Thank you. Your first comment appears as soon as a moderator has read it."))
    else:
        messages.success(request, _("Your comment is posted."))
    return redirect(comment.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, pk):
    comment = policy.get_comment_for_user(request.user, pk)
    if not policy.can_edit_comment(request.user, comment):
        messages.error(request, _("This comment can no longer be changed."))
        return redirect(comment.get_absolute_url())
    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
    return form_page(
        request,
        form,
        save=partial(services.comment_edit, comment=comment, by=request.user),
        success=_("Your comment is changed."),
        done_url=comment.get_absolute_url(),
        template=FORM,
        title=_("Edit your comment"),
        back_url=comment.get_absolute_url(),
        case=comment.case,
    )


@require_POST
@login_required
def comment_delete(request, pk):
    comment = policy.get_comment_for_user(request.user, pk)
    try:
        services.comment_delete(comment=comment, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your comment is deleted."))
    return redirect(comment.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def comment_report(request, pk):
    comment = policy.get_comment_to_report(request.user, pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and over_limit(request, name="reports_per_member", key=f"user:{request.user.pk}"):
        form.is_valid()
        form.add_error(None, _("You have sent many reports in a short time. Please wait a while and try again."))
        return render_form(
            request,
            form=form,
            template=FORM,
            title=_("Report a comment"),
            back_url=comment.get_absolute_url(),
            case=comment.case,
            reported=comment,
            status=429,
        )
    return form_page(
        request,
        form,
        save=partial(services.comment_report, comment=comment, by=request.user),
        success=_("Thank you. A moderator will look at the comment."),
        done_url=comment.get_absolute_url(),
        template=FORM,
        title=_("Report a comment"),
        back_url=comment.get_absolute_url(),
        case=comment.case,
        reported=comment,
        submit=_("Send the report"),
    )


@login_required
def moderation_queue(request):
    """casestudies/moderation.html: held, hidden and reported comments, with their history."""
    policy.require_moderator(request.user)
    return render(
        request, "casestudies/moderation.html", {"comments": selectors.moderation_queue(), "form": ModerateForm()}
    )


@require_POST
@login_required
def comment_moderate(request, pk):
    policy.require_moderator(request.user)
    comment = policy.get_comment_for_user(request.user, pk)
    form = ModerateForm(request.POST)
    if form.is_valid():
        try:
            services.comment_moderate(comment=comment, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            messages.error(request, error.message)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Done: the comment is %(status)s.") % {"status": comment.get_status_display()})
    else:
        messages.error(request, _("Choose what to do with the comment."))
    return redirect("casestudies:moderation")


# --- joining, confirming, unsubscribing ----------------------------------------------------------
@require_http_methods(["GET", "POST"])
def signup(request):
    """casestudies/signup.html: a visitor becomes a member (after confirming the e-mail)."""
    if request.user.is_authenticated:
        return redirect("casestudies:list")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if over_limit(request, name="signup_per_address"):
            form.is_valid()
            form.add_error(None, _("Too many sign-ups from your address. Please wait an hour and try again."))
            return render(request, "casestudies/signup.html", {"form": form}, status=429)
        if form.is_valid():
            run_service(
                request,
                form,
                services.member_signup,
                email=form.cleaned_data["email"],
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password1"],
                language=get_language() or "en",
            )
            if not form.errors:  # None too ("that address has an account"): the same page
                return redirect("casestudies:signup_sent")
        return render(request, "casestudies/signup.html", {"form": form}, status=400)
    return render(request, "casestudies/signup.html", {"form": form})


def signup_sent(request):
    return render(request, "casestudies/signup_sent.html")


@require_http_methods(["GET", "POST"])
def signup_confirm(request, uidb64, token):
    """GET shows a button, POST confirms: mail scanners that open links confirm nothing."""
    user = services.member_for_token(uidb64, token)
    if user is None:
        return render(request, "casestudies/signup_confirm_invalid.html", status=404)
    if request.method == "POST":
        services.member_confirm(user=user)
        messages.success(request, _("Your e-mail address is confirmed. Log in with it to take part."))
        return redirect(f"{reverse('login')}?next={reverse('casestudies:list')}")
    return render(request, "casestudies/signup_confirm.html", {"email": user.email})


@csrf_exempt  # the signed token is the key; mail clients POST here without a session (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """One click in the e-mail stops the e-mails of that thread (RFC 8058's POST does too);
    the page offers to subscribe again."""
    found = services.unsubscribe_read(token)
    case = CaseStudy.objects.filter(pk=found[1]).first() if found else None
    if found is None or case is None or not get_user_model().objects.filter(pk=found[0]).exists():
        raise Http404(_("This link does not work."))
    user_id, case_id = found
    resubscribe = request.method == "POST" and request.POST.get("subscribe") == "1"
    if resubscribe:
        services.thread_unmute(user_id=user_id, case_id=case_id)
    else:
        services.thread_mute(user_id=user_id, case_id=case_id)
    return render(request, "casestudies/unsubscribe.html", {"case": case, "subscribed": resubscribe, "token": token})
