"""Every e-mail of Rapport is three templates: `<prefix>_subject.txt` (one line),
`<prefix>_body.txt` and `<prefix>_body.html`, rendered in the reader's language and in the
firm's time zone (a worker has no request to take either from)."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation


def render_email(
    prefix: str,
    context: dict,
    *,
    to: Iterable[str],
    language: str,
    cc: Iterable[str] = (),
    reply_to: Iterable[str] = (),
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """The message from the templates `emails/<prefix>_{subject,body}.txt` and `_body.html`
    (not sent: the caller sends it, usually after claiming the row that says it is due)."""
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        subject = " ".join(render_to_string(f"emails/{prefix}_subject.txt", context).split())
        text = render_to_string(f"emails/{prefix}_body.txt", context)
        html = render_to_string(f"emails/{prefix}_body.html", context)
    message = EmailMultiAlternatives(
        subject, text, to=list(to), cc=list(cc), reply_to=list(reply_to), headers=headers or {}
    )
    message.attach_alternative(html, "text/html")
    return message
