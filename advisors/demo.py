"""Demo data of the people: the five logins, their roles, Team Noord and the advisors' profiles.

Run first by `manage.py seed_demo` (advisors comes before the apps that build on it); the
other apps' demos find these people with `people()`. Every name is invented. Each row is found
by a natural key (a username, a team's name) and updated in place, so a second run changes no
counts. A demo module may declare `LOGINS`: seed_demo prints them, with their password.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from . import roles
from .models import AdvisorProfile, Team
from .services import advisorprofile_update

DEMO_PASSWORD = "rapport-demo"
User = get_user_model()


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    name: str
    password: str = DEMO_PASSWORD


LOGINS = [
    DemoLogin("manager", "manager", "Ilse Vermeer"),
    DemoLogin("consultant", "consultant", "Daan Kuipers"),
    DemoLogin("consultant2", "consultant", "Sanne de Wit"),
    DemoLogin("member", "community member", "Joris Bakker"),
    DemoLogin("admin", "staff (Django admin)", "Rapport Admin"),
]
MANAGER, CONSULTANT, CONSULTANT2, MEMBER, ADMIN = LOGINS
ROLE_OF = {
    MANAGER: roles.MANAGER,
    CONSULTANT: roles.CONSULTANT,
    CONSULTANT2: roles.CONSULTANT,
    MEMBER: roles.COMMUNITY_MEMBER,
}
# The advisors' profiles: title, seniority, their manager, reminder lead hours, e-mail language.
PROFILES = {
    MANAGER: ("Practice manager", "principal", None, 72, "nl"),
    CONSULTANT: ("Organisation advisor", "medior", MANAGER, 72, "nl"),
    CONSULTANT2: ("Senior advisor", "senior", MANAGER, 96, "en"),
}
TEAM = "Team Noord"


def people() -> dict[str, "User"]:
    """The demo's people by username (for the other apps' demos); an error if not seeded yet."""
    found = {user.username: user for user in User.objects.filter(username__in=[login.username for login in LOGINS])}
    missing = {login.username for login in LOGINS} - found.keys()
    if missing:
        raise RuntimeError(f"Run advisors.demo.seed() first: no demo login {', '.join(sorted(missing))}.")
    return found


def _user(login: DemoLogin, **extra) -> "User":
    # No service creates accounts in Rapport (staff do it in the admin), so the demo writes them.
    first, _, last = login.name.partition(" ")
    user, _ = User.objects.update_or_create(
        username=login.username,
        defaults={"first_name": first, "last_name": last, "email": f"{login.username}@example.com", **extra},
    )
    if not user.check_password(login.password):
        user.set_password(login.password)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def seed(*, now: datetime | None = None) -> list[str]:
    """The people of the demo; nothing to report beyond the logins seed_demo prints."""
    team, _ = Team.objects.get_or_create(name=TEAM)  # teams are made in the admin: no service
    users = {login: _user(login) for login in ROLE_OF}
    _user(ADMIN, is_staff=True, is_superuser=True)
    groups = {name: Group.objects.get(name=name) for name in roles.ALL}  # made by migration 0002
    for login, role in ROLE_OF.items():
        users[login].groups.set([groups[role]])
    for login, (title, seniority, manager, lead_hours, language) in PROFILES.items():
        profile, _ = AdvisorProfile.objects.get_or_create(user=users[login])
        advisorprofile_update(
            profile=profile,
            title=title,
            seniority=seniority,
            team=team,
            manager=users[manager] if manager else None,
            reminder_lead_hours=lead_hours,
            language=language,
        )
    return []
