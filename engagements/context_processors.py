from . import review_queue


def review(request):
    """The review queue's entry in the menu, with the count of flags waiting (managers and
    superusers only; review_queue.open_flag_count keeps it in the cache)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = review_queue.open_flag_count(user=user)
    return {} if count is None else {"review_nav": {"open": count}}
