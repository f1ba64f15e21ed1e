"""How a client compares with the firm's client profile: a pure function of facts.

No database and no request here: `compare` takes what the profile says and what is known of
the client, and answers fits / partly / outside with its reasons. A reason is a code and its
numbers (stored texts are facts); `reason_text` words it in the reader's language.

The rules, each a reason:
- sector: in the sectors that fit -> fits; among the sectors the firm does not work for ->
  outside; neither, or no sector recorded -> partly (when the profile lists sectors at all);
- size: among the sizes that fit -> fits; another size, or none recorded -> partly (when the
  profile lists sizes);
- warning sign: at least `warning_complaint_count` complaints of the chosen categories received
  within the last `warning_window_days` days (today included) -> partly;
- the firm parted ways with the client before (a "part ways and refer" decision) -> outside;
- the client's fit from a fit review: mismatch -> outside, doubtful -> partly.
The verdict is the worst of the reasons; a profile that says nothing gives no verdict.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

FITS, PARTLY, OUTSIDE = "fits", "partly", "outside"
_ORDER = {FITS: 0, PARTLY: 1, OUTSIDE: 2}
SIZES = ("micro", "small", "medium", "large")


def normalise_sector(sector: str) -> str:
    return " ".join(sector.split()).casefold()


def sectors_from_lines(text: str) -> frozenset[str]:
    return frozenset(normalise_sector(line) for line in text.splitlines() if line.strip())


@dataclass(frozen=True)
class Profile:
    fitting_sectors: frozenset[str] = frozenset()  # normalised (normalise_sector)
    excluded_sectors: frozenset[str] = frozenset()
    sizes: frozenset[str] = frozenset()
    warning_categories: frozenset[str] = frozenset()
    warning_count: int = 2
    warning_window_days: int = 365

    @property
    def is_empty(self) -> bool:
        return not (self.fitting_sectors or self.excluded_sectors or self.sizes or self.warning_categories)


@dataclass(frozen=True)
class ClientFacts:
    sector: str = ""
    size: str = ""
    fit: str = "good"
    complaints: tuple[tuple[date, str], ...] = ()  # (received on, category)
    parted_ways_on: date | None = None  # the latest "part ways and refer" decision


@dataclass(frozen=True)
class Reason:
    verdict: str
    code: str
    params: dict = field(default_factory=dict, hash=False, compare=True)


@dataclass(frozen=True)
class Comparison:
    verdict: str
    reasons: tuple[Reason, ...]

    @property
    def fits(self) -> bool:
        return self.verdict == FITS

    @property
    def outside(self) -> bool:
        return self.verdict == OUTSIDE


def _sector_reason(profile: Profile, sector: str) -> Reason | None:
    if not (profile.fitting_sectors or profile.excluded_sectors):
        return None
    key = normalise_sector(sector)
    if not key:
        return Reason(PARTLY, "sector_unknown")
    if key in profile.excluded_sectors:
        return Reason(OUTSIDE, "sector_excluded", {"sector": sector.strip()})
    if key in profile.fitting_sectors:
        return Reason(FITS, "sector_fits", {"sector": sector.strip()})
    return Reason(PARTLY, "sector_not_listed", {"sector": sector.strip()})


def _size_reason(profile: Profile, size: str) -> Reason | None:
    if not profile.sizes:
        return None
    if not size:
        return Reason(PARTLY, "size_unknown")
    if size in profile.sizes:
        return Reason(FITS, "size_fits", {"size": size})
    return Reason(PARTLY, "size_not_listed", {"size": size})


def _warning_reason(profile: Profile, complaints: Iterable[tuple[date, str]], today: date) -> Reason | None:
    if not profile.warning_categories:
        return None
    since = today - timedelta(days=profile.warning_window_days - 1)
    counted = [category for received, category in complaints if since <= received <= today]
    counted = [category for category in counted if category in profile.warning_categories]
    if len(counted) < profile.warning_count:
        return None
    return Reason(
        PARTLY,
        "warning_complaints",
        {"count": len(counted), "categories": sorted(set(counted)), "days": profile.warning_window_days},
    )


def compare(profile: Profile, client: ClientFacts, *, today: date) -> Comparison | None:
    """The client against the profile, or None when the profile says nothing yet."""
    if profile.is_empty and client.fit == "good" and client.parted_ways_on is None:
        return None
    reasons = [
        _sector_reason(profile, client.sector),
        _size_reason(profile, client.size),
        _warning_reason(profile, client.complaints, today),
    ]
    if client.parted_ways_on is not None:
        reasons.append(Reason(OUTSIDE, "parted_ways", {"on": client.parted_ways_on}))
    if client.fit == "mismatch":
        reasons.append(Reason(OUTSIDE, "fit_mismatch"))
    elif client.fit == "doubtful":
        reasons.append(Reason(PARTLY, "fit_doubtful"))
    reasons = [reason for reason in reasons if reason is not None]
    verdict = max((reason.verdict for reason in reasons), key=_ORDER.__getitem__, default=FITS)
    # The worst first: that is what the reader needs to see.
    reasons.sort(key=lambda reason: -_ORDER[reason.verdict])
    return Comparison(verdict=verdict, reasons=tuple(reasons))


# --- words ----------------------------------------------------------------------------------
def verdict_label(verdict: str) -> str:
    return {
        FITS: _("Fits the profile"),
        PARTLY: _("Partly fits the profile"),
        OUTSIDE: _("Outside the profile"),
    }[verdict]


def reason_text(reason: Reason, *, size_labels: dict, category_labels: dict) -> str:
    """One reason in the reader's language (labels: the model's choices, translated)."""
    p = reason.params
    if reason.code == "sector_fits":
        return _("The sector %(sector)s is one the firm works for.") % p
    if reason.code == "sector_excluded":
        return _("The firm does not work for the sector %(sector)s.") % p
    if reason.code == "sector_not_listed":
        return _("The sector %(sector)s is not in the profile.") % p
    if reason.code == "sector_unknown":
        return _("No sector is recorded for this client.")
    if reason.code == "size_fits":
        return _("Its size (%(size)s) fits.") % {"size": size_labels.get(p["size"], p["size"])}
    if reason.code == "size_not_listed":
        return _("Its size (%(size)s) is not one the profile lists.") % {"size": size_labels.get(p["size"], p["size"])}
    if reason.code == "size_unknown":
        return _("No size is recorded for this client.")
    if reason.code == "warning_complaints":
        kinds = ", ".join(str(category_labels.get(c, c)).lower() for c in p["categories"])
        return ngettext(
            "%(count)d complaint about %(kinds)s in the last %(days)d days: a warning sign.",
            "%(count)d complaints about %(kinds)s in the last %(days)d days: a warning sign.",
            p["count"],
        ) % {"count": p["count"], "kinds": kinds, "days": p["days"]}
    if reason.code == "parted_ways":
        return _("The firm parted ways with this client on %(on)s.") % {"on": p["on"].strftime("%d-%m-%Y")}
    if reason.code == "fit_mismatch":
        return _("A fit review found this client a mismatch.")
    if reason.code == "fit_doubtful":
        return _("A fit review found this client's fit doubtful.")
    raise ValueError(f"unknown reason {reason.code}")
