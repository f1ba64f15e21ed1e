"""Middleware of our own (the rest is Django's, django-csp's and django-axes')."""

from django.utils.cache import patch_cache_control


class PrivateCacheMiddleware:
    """Nothing a logged-in user is shown may be kept by a shared cache, or by the browser
    for the back button of the next person at the same computer: pages, plan files and
    .ics downloads alike get `Cache-Control: private, no-store`. Views for callers without
    a session (the client's link, the calendar feed) say so themselves (never_cache)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
