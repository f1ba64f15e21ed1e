"""Development on a laptop: DEBUG on, an insecure key, console e-mail, SQLite by default."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="local-development-only-key-not-secret-3f9a1c7e5b2d4860a1e7c9b3d5f20846",
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
