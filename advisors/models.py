import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from core.people import display_name


class Language(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class Team(BaseModel):
    """A group of advisors with one manager, who sees all of the team's engagements."""

    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class AdvisorProfile(BaseModel):
    """What Rapport knows of an advisor beyond the login: one per user."""

    class Seniority(models.TextChoices):
        JUNIOR = "junior", _("Junior")
        MEDIOR = "medior", _("Medior")
        SENIOR = "senior", _("Senior")
        PRINCIPAL = "principal", _("Principal")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="advisor_profile")
    title = models.CharField(_("title"), max_length=120, blank=True)
    seniority = models.CharField(_("seniority"), max_length=10, choices=Seniority.choices, default=Seniority.MEDIOR)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="profiles", verbose_name=_("team")
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_profiles",
        verbose_name=_("manager"),
        help_text=_("Copied on the last reminder before a meeting whose plan is not shared."),
    )
    reminder_lead_hours = models.PositiveSmallIntegerField(
        _("reminder lead time (hours)"),
        default=72,
        validators=[MinValueValidator(25), MaxValueValidator(336)],
        help_text=_("How long before a plan discussion the first share-the-plan reminder comes."),
    )
    language = models.CharField(_("language"), max_length=2, choices=Language, default=Language.DUTCH)
    # The secret in the advisor's private calendar feed URL; resetting it revokes old URLs.
    calendar_token = models.CharField(max_length=43, unique=True, default=new_calendar_token, editable=False)

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("advisor profile")
        verbose_name_plural = _("advisor profiles")
        constraints = [
            # The first reminder must come before the 24-hour one, and within two weeks.
            models.CheckConstraint(
                condition=models.Q(reminder_lead_hours__gte=25, reminder_lead_hours__lte=336),
                name="advisorprofile_lead_hours_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("user")),
                name="advisorprofile_not_own_manager",
            ),
        ]

    def __str__(self) -> str:
        return display_name(self.user)
