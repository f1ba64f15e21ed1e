"""casestudies.anonymisation: every matching and term rule at its edges.

All names, companies and addresses are invented.
"""

import pytest

from casestudies.anonymisation import PUBLIC_MAIL_DOMAINS, Hit, find_hits, fold, identifying_terms


def matches(text: str, *terms: str) -> list[str]:
    """The original text of every hit of ``terms`` in ``text``."""
    return [hit.match for hit in find_hits({"body": text}, terms)]


def terms_for(*, clients=(), contacts=(), emails=()) -> list[str]:
    return identifying_terms(client_names=clients, contact_names=contacts, emails=emails)


# --- fold ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Hofstede", "hofstede"),
        ("MÜLLER", "muller"),
        ("Hofstéde", "hofstede"),
        ("Hofste\u0301de", "hofstede"),
        ("Straße", "strasse"),
        ("ẞ", "ss"),
        ("ﬁne", "fine"),
        ("İlker", "ilker"),
        ("Hof\u00adstede", "hofstede"),
        ("Zoë\u00a0Ĳsselmeer", "zoe ijsselmeer"),
    ],
    ids=[
        "lower",
        "umlaut-upper",
        "acute",
        "combining",
        "sharp-s",
        "capital-sharp-s",
        "ligature",
        "dotted-i",
        "soft-hyphen",
        "nbsp-and-ij",
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded
    assert fold(folded) == folded


def test_fold_may_change_the_length():
    assert len(fold("ß")) == 2
    assert len(fold("e\u0301")) == 1


# --- matching: case and diacritics -----------------------------------------------------------
@pytest.mark.parametrize("text", ["Visser", "visser", "VISSER", "vIsSeR"])
def test_case_does_not_matter(text):
    assert matches(f"met {text} gesproken", "Visser") == [text]


def test_diacritic_in_the_text_hits_a_plain_term():
    assert matches("bij Hofstéde en Hofste\u0301de", "Hofstede") == ["Hofstéde", "Hofste\u0301de"]


def test_diacritic_in_the_term_hits_plain_text():
    assert matches("Muller, MULLER en müller", "Müller") == ["Muller", "MULLER", "müller"]


def test_sharp_s_and_ss_hit_each_other():
    assert matches("Familie Strauss", "Strauß") == ["Strauss"]
    assert matches("Familie Strauß", "Strauss") == ["Strauß"]


# --- matching: whole words -------------------------------------------------------------------
@pytest.mark.parametrize("text", ["banana", "Anabel", "Dana", "Ana_b", "Ana2"])
def test_a_term_inside_a_word_is_no_hit(text):
    assert matches(text, "Ana") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Visser's plan", "Visser"),
        ("Visser’s plan", "Visser"),
        ("Visser, Jansen", "Visser"),
        ("(Visser)", "Visser"),
        ("Visser.", "Visser"),
        ('"Visser"', "Visser"),
        ("Visser-Jansen", "Visser"),
        ("Hofstede-Bouw", "Hofstede"),
        ("https://www.Hofstede.example", "Hofstede"),
    ],
    ids=[
        "apostrophe",
        "curly-apostrophe",
        "comma",
        "parentheses",
        "full-stop",
        "quotes",
        "hyphen-after",
        "hyphen-compound",
        "in-url",
    ],
)
def test_punctuation_ends_a_word(text, expected):
    assert matches(text, expected) == [expected]


def test_a_hyphen_before_the_term_also_ends_a_word():
    assert matches("Jansen-Visser", "Visser") == ["Visser"]


def test_whitespace_in_a_term_matches_any_run_of_whitespace():
    text = "met Eva\nde   Vries\t en Eva\u00a0de Vries"
    assert matches(text, "Eva de Vries") == ["Eva\nde   Vries", "Eva\u00a0de Vries"]


def test_a_multi_word_term_needs_whitespace_between_its_words():
    assert matches("Evade Vries", "Eva de Vries") == []


def test_a_soft_hyphen_inside_a_name_does_not_hide_it():
    assert matches("met Hof\u00adstede", "Hofstede") == ["Hof\u00adstede"]


# --- offsets ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "prefix",
    ["Straße und ", "ﬁnancieel ", "Cafe\u0301 ", "ẞ ﬃ e\u0301\u0301 ", "İİ ", ""],
    ids=["sharp-s", "ligature", "combining", "several", "dotted-capital-i", "none"],
)
def test_offsets_point_into_the_original_text(prefix):
    text = f"{prefix}Karel Wouterse zei"
    [hit] = find_hits({"body": text}, ["Wouterse"])
    assert (hit.start, hit.end) == (len(prefix) + 6, len(prefix) + 14)
    assert text[hit.start : hit.end] == hit.match == "Wouterse"


def test_a_hit_ending_in_a_combining_accent_includes_it():
    text = "bij Hofstede\u0301 thuis"
    [hit] = find_hits({"body": text}, ["Hofstede"])
    assert hit.match == "Hofstede\u0301"
    assert hit.after == " thuis"


def test_a_hit_ending_in_a_character_that_folds_longer_includes_all_of_it():
    text = "bij Strauß thuis"
    [hit] = find_hits({"body": text}, ["Strauss"])
    assert (hit.start, hit.end, hit.match) == (4, 10, "Strauß")


def test_a_term_cannot_match_half_of_a_folded_character():
    assert matches("Strauß", "Straus") == []
    assert matches("Graﬁk", "Graf") == []


# --- context ---------------------------------------------------------------------------------
def test_context_before_and_after_the_hit():
    [hit] = find_hits({"body": "Gisteren sprak ik Visser over het plan."}, ["Visser"])
    assert hit == Hit(
        field="body",
        term="Visser",
        start=18,
        end=24,
        before="Gisteren sprak ik ",
        match="Visser",
        after=" over het plan.",
    )


def test_context_is_at_most_forty_characters_and_word_aligned():
    text = (
        "Dit is een lange inleiding die veel te veel woorden heeft voor Visser "
        "en daarna volgt nog een heel lang verhaal."
    )
    [hit] = find_hits({"body": text}, ["Visser"])
    assert len(hit.before) <= 40 and len(hit.after) <= 40
    assert hit.before == "die veel te veel woorden heeft voor "
    assert hit.after == " en daarna volgt nog een heel lang"
    assert text.index(hit.before + hit.match + hit.after) == hit.start - len(hit.before)


def test_context_of_one_long_word_is_cut_mid_word():
    text = "x" * 60 + " Visser " + "y" * 60
    [hit] = find_hits({"body": text}, ["Visser"])
    assert hit.before == "x" * 39 + " "
    assert hit.after == " " + "y" * 39


# --- overlapping terms -----------------------------------------------------------------------
def test_full_name_and_surname_at_the_same_place_are_reported_once():
    terms = terms_for(contacts=["Eva Wouterse"])
    hits = find_hits({"body": "Eva Wouterse belde. Later belde Wouterse weer, en Eva ook."}, terms)
    assert [(hit.term, hit.match) for hit in hits] == [
        ("Eva Wouterse", "Eva Wouterse"),
        ("Wouterse", "Wouterse"),
        ("Eva", "Eva"),
    ]


def test_address_domain_and_label_are_reported_once_as_the_address():
    terms = terms_for(emails=["eva@hofstede-bouw.nl"])
    hits = find_hits({"body": "Mail eva@hofstede-bouw.nl of kijk op hofstede-bouw.nl."}, terms)
    assert [(hit.term, hit.match) for hit in hits] == [
        ("eva@hofstede-bouw.nl", "eva@hofstede-bouw.nl"),
        ("hofstede-bouw.nl", "hofstede-bouw.nl"),
    ]


def test_client_name_with_legal_form_wins_over_the_name_without():
    terms = terms_for(clients=["Hofstede Bouw B.V."])
    assert matches("Hofstede Bouw B.V. en Hofstede Bouw", *terms) == ["Hofstede Bouw B.V.", "Hofstede Bouw"]


def test_overlap_between_different_terms_keeps_the_longest():
    hits = find_hits({"body": "Karel Hofstede Bouw"}, ["Karel Hofstede", "Hofstede Bouw BV", "Hofstede Bouw"])
    assert [(hit.term, hit.match) for hit in hits] == [("Karel Hofstede", "Karel Hofstede")]


# --- fields and empties ----------------------------------------------------------------------
def test_hits_are_ordered_by_field_as_given_then_by_start():
    texts = {"title": "Visser en Eva", "body": "Eva, Visser", "question": "", "closing_summary": "Visser"}
    hits = find_hits(texts, ["Visser", "Eva"])
    assert [(hit.field, hit.match, hit.start) for hit in hits] == [
        ("title", "Visser", 0),
        ("title", "Eva", 10),
        ("body", "Eva", 0),
        ("body", "Visser", 5),
        ("closing_summary", "Visser", 0),
    ]


def test_empty_texts_have_no_hits():
    assert find_hits({"title": "", "body": ""}, ["Visser"]) == []
    assert find_hits({}, ["Visser"]) == []


def test_no_terms_no_hits():
    assert find_hits({"body": "Visser"}, []) == []
    assert find_hits({"body": "Visser"}, ["", "   "]) == []


def test_term_is_reported_as_given():
    [hit] = find_hits({"body": "bij HOFSTÉDÉ BOUW"}, ["Hofstede Bouw"])
    assert (hit.term, hit.match) == ("Hofstede Bouw", "HOFSTÉDÉ BOUW")


# --- terms: clients --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "legal_form",
    ["BV", "B.V.", "bv", "B.V", "B. V.", "NV", "N.V.", "VOF", "V.O.F.", "Ltd", "Ltd.", "GmbH", "Inc", "Inc.", "BVBA"],
)
def test_client_name_is_a_term_with_and_without_legal_form(legal_form):
    assert terms_for(clients=[f"Hofstede Bouw {legal_form}"]) == [
        f"Hofstede Bouw {legal_form}",
        "Hofstede Bouw",
        "Hofstede",  # the distinctive word on its own; "Bouw" says what it does, not who
    ]


def test_legal_form_after_a_comma_is_stripped():
    assert terms_for(clients=["Noorderwind Trading, Ltd."]) == [
        "Noorderwind Trading, Ltd.",
        "Noorderwind Trading",
        "Noorderwind",
    ]


def test_legal_form_is_only_stripped_as_a_separate_trailing_word():
    assert terms_for(clients=["Kobv Techniek"]) == ["Kobv Techniek", "Kobv"]
    assert terms_for(clients=["Hofstedebv"]) == ["Hofstedebv"]
    assert terms_for(clients=["BV Noordhaven"]) == ["BV Noordhaven", "Noordhaven"]


def test_client_without_legal_form_gives_its_name_and_distinctive_words():
    assert terms_for(clients=["Bakkerij Wouterse"]) == ["Bakkerij Wouterse", "Wouterse"]
    assert terms_for(clients=["Wouterse"]) == ["Wouterse"]


def test_the_distinctive_word_of_a_client_name_hits_on_its_own():
    """A lone "Kalkhoven" names "Brouwerij Kalkhoven BV" as well as the full name does."""
    terms = terms_for(clients=["Brouwerij Kalkhoven BV"])
    assert matches("Bij Kalkhoven dronk men koffie; de brouwerij zelf was stil.", *terms) == ["Kalkhoven"]


def test_client_name_hits_written_with_diacritics_and_a_line_break():
    terms = terms_for(clients=["Hofstede Bouw BV"])
    assert matches("over Hofstédé\nbouw bv gesproken", *terms) == ["Hofstédé\nbouw bv"]


# --- terms: contacts -------------------------------------------------------------------------
def test_contact_full_name_and_parts_are_terms():
    assert terms_for(contacts=["Eva Wouterse"]) == ["Eva Wouterse", "Eva", "Wouterse"]


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Eva van der Wouterse", ["Eva", "Wouterse"]),
        ("Karel de Vries", ["Karel", "Vries"]),
        ("Lotte ten Brinke", ["Lotte", "Brinke"]),
        ("Anke ter Horst", ["Anke", "Horst"]),
        ("Joris van den Akker", ["Joris", "Akker"]),
        ("Sanne van het Veld", ["Sanne", "Veld"]),
        ("Klaus von Steinfeld", ["Klaus", "Steinfeld"]),
        ("Marie du Pontal", ["Marie", "Pontal"]),
        ("Lise le Brunet", ["Lise", "Brunet"]),
        ("Noor Van Der Wouterse", ["Noor", "Wouterse"]),
    ],
)
def test_name_particles_are_not_terms(name, parts):
    assert terms_for(contacts=[name]) == [name, *parts]


def test_parts_shorter_than_three_letters_are_not_terms():
    assert terms_for(contacts=["Jo Li"]) == ["Jo Li"]
    assert terms_for(contacts=["J.P. Wouterse"]) == ["J.P. Wouterse", "Wouterse"]
    assert terms_for(contacts=["Ana Li"]) == ["Ana Li", "Ana"]


def test_hyphenated_surname_is_a_term_and_so_is_each_half():
    terms = terms_for(contacts=["Eva Wouterse-Bakker"])
    assert terms == ["Eva Wouterse-Bakker", "Eva", "Wouterse-Bakker", "Wouterse", "Bakker"]


def test_a_particle_in_the_text_is_no_hit():
    terms = terms_for(contacts=["Eva van der Wouterse"])
    assert matches("de heer van der Linden", *terms) == []


# --- terms: e-mail ---------------------------------------------------------------------------
def test_email_address_domain_and_label_are_terms():
    assert terms_for(emails=["eva@hofstede-bouw.nl"]) == ["eva@hofstede-bouw.nl", "hofstede-bouw.nl", "hofstede-bouw"]


def test_label_is_taken_before_the_suffix_also_under_a_subdomain_or_two_level_suffix():
    assert terms_for(emails=["eva@mail.hofstede-bouw.nl"])[-1] == "hofstede-bouw"
    assert terms_for(emails=["eva@noorderwind.co.uk"]) == ["eva@noorderwind.co.uk", "noorderwind.co.uk", "noorderwind"]


def test_domain_label_shorter_than_four_characters_is_not_a_term():
    assert terms_for(emails=["eva@wvb.nl"]) == ["eva@wvb.nl", "wvb.nl"]
    assert terms_for(emails=["eva@wvbk.nl"]) == ["eva@wvbk.nl", "wvbk.nl", "wvbk"]


@pytest.mark.parametrize("domain", sorted(PUBLIC_MAIL_DOMAINS))
def test_public_mail_domain_is_not_a_term(domain):
    assert terms_for(emails=[f"eva.wouterse@{domain}"]) == [f"eva.wouterse@{domain}"]


def test_public_mail_domain_is_recognised_in_capitals():
    assert terms_for(emails=["Eva@GMail.com"]) == ["Eva@GMail.com"]


def test_email_address_hits():
    terms = terms_for(emails=["eva@gmail.com"])
    assert matches("Stuur het naar EVA@gmail.com.", *terms) == ["EVA@gmail.com"]
    assert matches("Mijn adres is jan@gmail.com", *terms) == []


def test_domain_hits_in_a_link():
    terms = terms_for(emails=["eva@hofstede-bouw.nl"])
    assert matches("Zie https://www.hofstede-bouw.nl/over-ons", *terms) == ["hofstede-bouw.nl"]


def test_domain_label_hits_in_prose():
    terms = terms_for(emails=["eva@hofstede-bouw.nl"])
    assert matches("het portaal van Hofstede-Bouw", *terms) == ["Hofstede-Bouw"]


# --- terms: together -------------------------------------------------------------------------
def test_terms_are_deduplicated_by_fold_keeping_the_first_spelling():
    terms = terms_for(clients=["Wouterse"], contacts=["Eva WOUTERSE", "Eva Wöutersé"], emails=[])
    assert terms == ["Wouterse", "Eva WOUTERSE", "Eva"]


def test_empty_names_and_addresses_are_ignored():
    assert terms_for(clients=["", "  "], contacts=[""], emails=[" "]) == []
    assert terms_for(clients=["BV"]) == ["BV"]


def test_terms_come_in_the_order_clients_contacts_emails():
    terms = terms_for(clients=["Hofstede Bouw BV"], contacts=["Eva Wouterse"], emails=["eva@hofstede-bouw.nl"])
    assert terms == [
        "Hofstede Bouw BV",
        "Hofstede Bouw",
        "Hofstede",
        "Eva Wouterse",
        "Eva",
        "Wouterse",
        "eva@hofstede-bouw.nl",
        "hofstede-bouw.nl",
        "hofstede-bouw",
    ]


def test_a_case_study_that_names_nobody_has_no_hits():
    terms = terms_for(clients=["Hofstede Bouw BV"], contacts=["Eva van der Wouterse"], emails=["eva@hofstede-bouw.nl"])
    texts = {
        "title": "Een bouwbedrijf dat zijn planning terugvond",
        "body": "De directeur van een middelgroot bouwbedrijf wilde meer grip op de planning. Evaluaties volgden.",
    }
    assert find_hits(texts, terms) == []
