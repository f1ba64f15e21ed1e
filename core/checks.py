from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


@register("security")
def private_files_are_not_public(app_configs, **kwargs):
    """Confidential uploads must not sit where a web server or whitenoise would serve them."""
    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    errors = []
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        public = getattr(settings, name, None)
        if public and (private == Path(public).resolve() or private.is_relative_to(Path(public).resolve())):
            errors.append(
                Error(
                    f"PRIVATE_MEDIA_ROOT ({private}) lies inside {name}: draft plans would be public.",
                    hint="Point DJANGO_PRIVATE_MEDIA_ROOT at a folder outside MEDIA_ROOT and STATIC_ROOT.",
                    id="rapport.E001",
                )
            )
    return errors
