"""Community sign-up with e-mail confirmation, on Django's own token machinery.

Why not django-allauth: Rapport already has its login, lockout (django-axes), password reset
and their audited pages; allauth would bring a second login and reset flow to secure, audit
and translate. What sign-up needs beyond them is one signed, expiring, single-use link, which
is what Django's PasswordResetTokenGenerator makes (its hash covers `is_active`, so the link
stops working once it was used; it expires after PASSWORD_RESET_TIMEOUT, three days).

A member logs in with their e-mail address (it is their username). Signing up with an address
that has an account already sends that address a note instead, so the form never tells
a stranger who is a member.
"""

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from advisors import roles
from core.emails import render_email

from ..models import MemberProfile

User = get_user_model()


class MemberConfirmationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "casestudies.services.members.MemberConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.is_active}{user.email}{user.password}{timestamp}"


confirmation_tokens = MemberConfirmationTokenGenerator()


def confirmation_path(user) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("casestudies:confirm", args=[uidb64, confirmation_tokens.make_token(user)])


def member_signup(*, email: str, display_name: str, password: str, language: str) -> User | None:
    """Create an inactive member and e-mail the confirmation link; None when the address has
    an account already (that address gets a note instead: the page says the same)."""
    email = User.objects.normalize_email(email).strip().lower()
    display_name = " ".join(display_name.split())
    if not display_name:
        raise ValidationError({"display_name": _("Choose the name others see with your comments.")})
    existing = User.objects.filter(email__iexact=email).first() or User.objects.filter(username__iexact=email).first()
    if existing is not None:
        # Only an address never confirmed gets a new link: an account that staff shut
        # (inactive after its confirmation) is not opened again by signing up.
        profile = getattr(existing, "member_profile", None)
        if not existing.is_active and profile is not None and profile.confirmed_at is None:
            _send(existing, language=language, template="member_confirm")  # a second try: a new link
        else:
            _send(existing, language=language, template="member_exists")
        return None
    user = User(username=email, email=email, is_active=False)
    password_validation.validate_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.full_clean()
        user.save()
        user.groups.add(Group.objects.get(name=roles.COMMUNITY_MEMBER))
        MemberProfile.objects.create(user=user, display_name=display_name[:60], language=language)
    _send(user, language=language, template="member_confirm")
    return user


def member_confirm(*, user) -> User:
    """The link was followed: the account works from now on (and the link no longer)."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=True)
        MemberProfile.objects.filter(user=user).update(confirmed_at=timezone.now())
    user.refresh_from_db()
    return user


def member_for_token(uidb64: str, token: str) -> User | None:
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    user = User.objects.filter(
        pk=pk, is_active=False, member_profile__isnull=False, member_profile__confirmed_at__isnull=True
    ).first()
    if user is None or not confirmation_tokens.check_token(user, token):
        return None
    return user


def _send(user, *, language: str, template: str) -> None:
    context = {
        "link": settings.SITE_URL + confirmation_path(user),
        "login": settings.SITE_URL + reverse("login"),
        "reset": settings.SITE_URL + reverse("password_reset"),
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    render_email(template, context, to=[user.email], language=language).send()
