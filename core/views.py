from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import run_checks
from .security import client_ip, over_limit
from .security import logger as security_logger


@never_cache
@require_GET
def health(request):
    """200 when the database and the broker answer, 503 otherwise. JSON, no login, no
    details beyond the kind of failure (nothing an outsider could use)."""
    checks = run_checks()
    healthy = all(ok for ok, _ in checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "checks": {name: detail for name, (_, detail) in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)


def login_locked_out(request, original_response=None, credentials=None):
    """registration/locked_out.html, 429: django-axes refused a login (AXES_LOCKOUT_CALLABLE)."""
    username = (credentials or {}).get("username", "")
    security_logger.warning("login locked out for username %r from %s", username, client_ip(request))
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset form, rate limited per address and per e-mail (RAPPORT_RATE_LIMITS):
    over a limit the form says so (429) and no e-mail goes out."""

    def post(self, request, *args, **kwargs):
        email = request.POST.get("email", "").strip().lower()
        over = over_limit(request, name="password_reset_per_address")
        if email:  # count per inbox as well, also when the address limit already refused
            over = over_limit(request, name="password_reset_per_email", key=email) or over
        if over:
            form = self.get_form()
            form.is_valid()
            form.add_error(None, _("Too many requests. Please wait an hour before you ask for another link."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)
