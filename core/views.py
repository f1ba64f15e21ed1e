from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from advisors import roles

from .health import run_checks


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


@login_required
def home(request):
    """Send each role to where its day starts."""
    user = request.user
    if roles.is_advisor(user):
        return redirect("engagements:my_week")
    if user.is_staff:
        return redirect("admin:index")
    return render(request, "core/home_member.html")
