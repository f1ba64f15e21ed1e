"""The client-profile comparison (engagements.client_profile) at its boundaries.

Pure functions, no database: each rule of the module's docstring is checked on either side
of its edge, then the verdict, the order of the reasons and their words.
"""

from datetime import date, timedelta

import pytest
from django.utils import translation

from engagements.client_profile import (
    FITS,
    OUTSIDE,
    PARTLY,
    ClientFacts,
    Profile,
    Reason,
    compare,
    normalise_sector,
    reason_text,
    sectors_from_lines,
)

TODAY = date(2024, 6, 15)
SECTORS = Profile(fitting_sectors=frozenset({"health care"}), excluded_sectors=frozenset({"gambling"}))
SIZES = Profile(sizes=frozenset({"small", "medium"}))
WARNING = Profile(warning_categories=frozenset({"invoice", "price"}), warning_count=2, warning_window_days=30)
FIRST_DAY = TODAY - timedelta(days=WARNING.warning_window_days - 1)  # 2024-05-17
SIZE_LABELS = {"small": "10-49 people"}
CATEGORY_LABELS = {"invoice": "Invoice", "price": "Price"}


def codes(profile, client):
    return [(reason.verdict, reason.code) for reason in compare(profile, client, today=TODAY).reasons]


def warning(complaints, profile=WARNING):
    reasons = compare(profile, ClientFacts(complaints=tuple(complaints)), today=TODAY).reasons
    assert all(r.code == "warning_complaints" for r in reasons)
    return reasons[0] if reasons else None


# --- sectors --------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["Health Care", "  health   care ", "HEALTH\tCARE", "health care"])
def test_normalise_sector_ignores_case_and_spaces(raw):
    assert normalise_sector(raw) == "health care"


def test_sectors_from_lines_normalises_and_skips_blank_lines():
    assert sectors_from_lines("  Health  Care\n\n   \nRetail \r\nhealth care\n") == {"health care", "retail"}
    assert sectors_from_lines("") == frozenset()


@pytest.mark.parametrize(
    ("sector", "expected"),
    [
        (" Health  CARE ", (FITS, "sector_fits", {"sector": "Health  CARE"})),
        ("GAMBLING", (OUTSIDE, "sector_excluded", {"sector": "GAMBLING"})),
        ("Retail", (PARTLY, "sector_not_listed", {"sector": "Retail"})),
        ("", (PARTLY, "sector_unknown", {})),
        ("   ", (PARTLY, "sector_unknown", {})),
    ],
)
def test_sector_rule(sector, expected):
    comparison = compare(SECTORS, ClientFacts(sector=sector), today=TODAY)
    assert [(r.verdict, r.code, r.params) for r in comparison.reasons] == [expected]
    assert comparison.verdict == expected[0]


def test_an_excluded_sector_wins_over_a_fitting_one_and_everything_else():
    profile = Profile(
        fitting_sectors=frozenset({"gambling"}), excluded_sectors=frozenset({"gambling"}), sizes=frozenset({"small"})
    )
    comparison = compare(profile, ClientFacts(sector="Gambling", size="small"), today=TODAY)
    assert comparison.verdict == OUTSIDE and comparison.outside
    assert [r.code for r in comparison.reasons] == ["sector_excluded", "size_fits"]


@pytest.mark.parametrize(
    "profile", [Profile(fitting_sectors=frozenset({"retail"})), Profile(excluded_sectors=frozenset({"retail"}))]
)
def test_either_sector_list_alone_makes_a_sector_rule(profile):
    assert codes(profile, ClientFacts(sector="")) == [(PARTLY, "sector_unknown")]


def test_no_sector_rule_when_the_profile_lists_no_sectors():
    assert codes(SIZES, ClientFacts(sector="", size="small")) == [(FITS, "size_fits")]
    assert codes(SIZES, ClientFacts(sector="Gambling", size="small")) == [(FITS, "size_fits")]


# --- sizes ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ("small", (FITS, "size_fits", {"size": "small"})),
        ("medium", (FITS, "size_fits", {"size": "medium"})),
        ("large", (PARTLY, "size_not_listed", {"size": "large"})),
        ("", (PARTLY, "size_unknown", {})),
    ],
)
def test_size_rule(size, expected):
    comparison = compare(SIZES, ClientFacts(size=size), today=TODAY)
    assert [(r.verdict, r.code, r.params) for r in comparison.reasons] == [expected]
    assert comparison.verdict == expected[0]
    assert comparison.fits == (expected[0] == FITS)


def test_no_size_rule_when_the_profile_lists_no_sizes():
    assert codes(SECTORS, ClientFacts(sector="health care", size="")) == [(FITS, "sector_fits")]


# --- warning complaints ---------------------------------------------------------------------
def test_exactly_the_warning_count_within_the_window_is_a_warning_sign():
    reason = warning([(TODAY, "price"), (FIRST_DAY, "invoice")])
    assert (reason.verdict, reason.code) == (PARTLY, "warning_complaints")
    assert reason.params == {"count": 2, "categories": ["invoice", "price"], "days": 30}


def test_one_fewer_than_the_warning_count_is_no_warning_sign():
    assert warning([(TODAY, "price")]) is None
    assert warning([]) is None


@pytest.mark.parametrize(
    ("received", "counts"),
    [
        (FIRST_DAY, True),  # today - (window_days - 1): the window's first day
        (FIRST_DAY - timedelta(days=1), False),
        (TODAY, True),
        (TODAY + timedelta(days=1), False),  # dated after today
    ],
)
def test_the_window_includes_today_and_its_first_day_only(received, counts):
    reason = warning([(TODAY, "invoice"), (received, "invoice")])
    assert (reason is not None) == counts


def test_complaints_of_categories_not_chosen_do_not_count():
    assert warning([(TODAY, "invoice"), (TODAY, "quality"), (TODAY, "other")]) is None


def test_the_warning_params_count_every_complaint_and_sort_the_categories():
    complaints = [(TODAY, "price"), (TODAY, "quality"), (TODAY, "price"), (FIRST_DAY, "invoice")]
    profile = Profile(warning_categories=frozenset({"price", "invoice"}), warning_count=3, warning_window_days=30)
    assert warning(complaints, profile).params == {"count": 3, "categories": ["invoice", "price"], "days": 30}


# --- parting ways and fit reviews -----------------------------------------------------------
def test_parted_ways_is_outside_even_when_everything_else_fits():
    profile = Profile(fitting_sectors=frozenset({"retail"}), sizes=frozenset({"small"}))
    client = ClientFacts(sector="Retail", size="small", parted_ways_on=date(2023, 1, 9))
    comparison = compare(profile, client, today=TODAY)
    assert comparison.verdict == OUTSIDE
    assert comparison.reasons[0] == Reason(OUTSIDE, "parted_ways", {"on": date(2023, 1, 9)})


@pytest.mark.parametrize(
    ("fit", "expected"),
    [("mismatch", [(OUTSIDE, "fit_mismatch")]), ("doubtful", [(PARTLY, "fit_doubtful")]), ("good", [])],
)
def test_the_fit_review(fit, expected):
    assert codes(SIZES, ClientFacts(size="small", fit=fit)) == [*expected, (FITS, "size_fits")]


# --- verdict and order ----------------------------------------------------------------------
def test_the_verdict_is_the_worst_reason_and_reasons_come_worst_first():
    profile = Profile(
        fitting_sectors=frozenset({"retail"}), sizes=frozenset({"small"}), warning_categories=WARNING.warning_categories
    )
    client = ClientFacts(sector="Retail", size="large", fit="mismatch", complaints=((TODAY, "price"), (TODAY, "price")))
    assert codes(profile, client) == [
        (OUTSIDE, "fit_mismatch"),
        (PARTLY, "size_not_listed"),
        (PARTLY, "warning_complaints"),
        (FITS, "sector_fits"),
    ]
    assert compare(profile, client, today=TODAY).verdict == OUTSIDE
    assert compare(profile, ClientFacts(sector="Retail", size="large"), today=TODAY).verdict == PARTLY


def test_an_empty_profile_gives_no_verdict_for_a_good_client():
    assert Profile().is_empty
    assert compare(Profile(), ClientFacts(sector="Retail", size="small"), today=TODAY) is None


@pytest.mark.parametrize(
    ("client", "verdict", "code"),
    [
        (ClientFacts(fit="mismatch"), OUTSIDE, "fit_mismatch"),
        (ClientFacts(fit="doubtful"), PARTLY, "fit_doubtful"),
        (ClientFacts(parted_ways_on=date(2024, 1, 2)), OUTSIDE, "parted_ways"),
    ],
)
def test_an_empty_profile_still_speaks_of_the_clients_own_record(client, verdict, code):
    comparison = compare(Profile(), client, today=TODAY)
    assert (comparison.verdict, [r.code for r in comparison.reasons]) == (verdict, [code])


# --- words ----------------------------------------------------------------------------------
def words(reason):
    with translation.override("en"):
        return reason_text(reason, size_labels=SIZE_LABELS, category_labels=CATEGORY_LABELS)


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        (Reason(FITS, "sector_fits", {"sector": "Retail"}), "The sector Retail is one the firm works for."),
        (Reason(OUTSIDE, "sector_excluded", {"sector": "Gambling"}), "The firm does not work for the sector Gambling."),
        (Reason(PARTLY, "sector_not_listed", {"sector": "Retail"}), "The sector Retail is not in the profile."),
        (Reason(PARTLY, "sector_unknown"), "No sector is recorded for this client."),
        (Reason(FITS, "size_fits", {"size": "small"}), "Its size (10-49 people) fits."),
        (Reason(PARTLY, "size_not_listed", {"size": "large"}), "Its size (large) is not one the profile lists."),
        (Reason(PARTLY, "size_unknown"), "No size is recorded for this client."),
        (
            Reason(PARTLY, "warning_complaints", {"count": 2, "categories": ["invoice", "price"], "days": 30}),
            "2 complaints about invoice, price in the last 30 days: a warning sign.",
        ),
        (
            Reason(PARTLY, "warning_complaints", {"count": 1, "categories": ["quality"], "days": 365}),
            "1 complaint about quality in the last 365 days: a warning sign.",
        ),
        (
            Reason(OUTSIDE, "parted_ways", {"on": date(2023, 1, 9)}),
            "The firm parted ways with this client on 09-01-2023.",
        ),
        (Reason(OUTSIDE, "fit_mismatch"), "A fit review found this client a mismatch."),
        (Reason(PARTLY, "fit_doubtful"), "A fit review found this client's fit doubtful."),
    ],
)
def test_reason_text_words_every_reason(reason, expected):
    assert words(reason) == expected


def test_reason_text_uses_the_plural_for_two_and_the_singular_for_one():
    params = {"categories": ["price"], "days": 30}
    assert "complaints " in words(Reason(PARTLY, "warning_complaints", {**params, "count": 2}))
    one = words(Reason(PARTLY, "warning_complaints", {**params, "count": 1}))
    assert "complaint " in one and "complaints " not in one


def test_every_reason_compare_gives_has_words():
    profile = Profile(
        fitting_sectors=frozenset({"retail"}), sizes=frozenset({"small"}), warning_categories=frozenset({"price"})
    )
    client = ClientFacts(
        sector="Retail",
        size="large",
        fit="doubtful",
        complaints=((TODAY, "price"), (TODAY, "price")),
        parted_ways_on=TODAY,
    )
    assert all(words(reason) for reason in compare(profile, client, today=TODAY).reasons)


def test_reason_text_refuses_an_unknown_code():
    with pytest.raises(ValueError, match="unknown reason no_such_code"):
        words(Reason(PARTLY, "no_such_code"))
