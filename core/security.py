"""Protection against guessing and flooding: the client's address, the log of failed logins,
and the rate limits of what an anonymous caller can post (README: Security).

Logins are django-axes' job (settings: AXES_*); the rest uses django-ratelimit's counters in
the default cache, so the limits hold across web nodes when the cache is Redis.
"""

import ipaddress
import logging

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django_ratelimit.core import is_ratelimited

logger = logging.getLogger("rapport.security")


def client_ip(request) -> str:
    """The caller's address: REMOTE_ADDR, or behind RAPPORT_TRUSTED_PROXIES proxies the
    X-Forwarded-For entry the nearest trusted proxy added (the ones left of it can be forged)."""
    proxies = settings.RAPPORT_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()]
        if len(forwarded) >= proxies and _is_ip(forwarded[-proxies]):
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def over_limit(request, *, name: str, key: str | None = None) -> bool:
    """Count this request against the limit `name` of settings.RAPPORT_RATE_LIMITS, per `key`
    (default: the caller's address), and say whether it is over. Logs a refusal.

    When the cache does not answer, the request is not limited (fails open, logged as an
    error): a client's answer or a password reset matters more than the count, and the
    login lockout, which guards against guessing, lives in the database."""
    rate = settings.RAPPORT_RATE_LIMITS[name]
    try:
        limited = is_ratelimited(
            request,
            group=f"rapport.{name}",
            key=(lambda group, request: key) if key else "ip",
            rate=rate,
            increment=True,
        )
    except Exception as error:  # the shared cache (Redis) is down: serve the page, say so in the log
        logger.error("rate limit unavailable (%s): %r; the request goes through unlimited", name, error)
        return False
    if limited:
        logger.warning("rate limit %s (%s) reached from %s", name, rate, client_ip(request))
    return limited


@receiver(user_login_failed)
def _log_failed_login(sender, credentials, request=None, **kwargs):
    """One line per failed login: who was tried and from where, never the password."""
    username = credentials.get("username", "")
    logger.warning("login failed for username %r from %s", username, client_ip(request) if request else "-")
