"""The session engine: Django's database sessions, the session of a request read by frozen SQL
(core.frozen), as every request with a cookie asks for it."""

from django.contrib.sessions.backends import db
from django.db.models import CharField, DateTimeField
from django.utils import timezone

from .frozen import Param, frozen


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        if not self.session_key:
            self._session_key = None
            return None
        now = timezone.now()

        def session(params):
            key = Param("key", CharField()) if params else self.session_key
            moment = Param("now", DateTimeField()) if params else now
            return self.model.objects.filter(session_key=key, expire_date__gt=moment)

        found = list(frozen(("session", self.model._meta.label), session, key=self.session_key, now=now))
        if not found:
            self._session_key = None
            return None
        return found[0]
