"""The check that a case study no longer names the engagement it was written from.

A case study is published to the community; the client of the source engagement was promised
anonymity. Before publishing, the texts of the case study are searched for everything that
identifies that client: its names, its contacts' names, their e-mail addresses and the
company's mail domain. Every hit is returned with its place in the original text so the
author can see and fix it; the caller refuses to publish while there are hits.

The check errs on the side of a hit: a false alarm costs the author a rephrasing, a miss
costs the client their anonymity. It is a safety net for honest mistakes (a name left in a
quote, a pasted e-mail signature), not a defence against an author who hides a name on
purpose.

Matching rules:

- case-insensitive and diacritic-insensitive both ways (``fold``): "Müller" hits "MULLER",
  "Hofstede" hits "Hofstéde";
- whole words only, where a word character is a letter, digit or underscore: "Ana" does not
  hit "banana", but "Visser" hits "Visser's", "Visser," and "Visser-Jansen", and
  "Hofstede" hits "Hofstede-Bouw" (a hyphen, apostrophe or full stop ends a word);
- whitespace inside a term matches any run of whitespace, a line break included;
- where several terms match overlapping text (the full name and the surname in it), only
  the longest is reported.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com", "icloud.com",
        "me.com", "proton.me", "protonmail.com", "ziggo.nl", "kpnmail.nl", "xs4all.nl", "hetnet.nl",
        "planet.nl", "home.nl",
    }
)  # fmt: skip

# Words that join a surname rather than name anyone ("Eva van der Berg", "Karl von Stein").
NAME_PARTICLES = frozenset(
    {
        "van", "de", "der", "den", "het", "ter", "ten", "te", "von", "vom", "zu", "zum", "zur", "du", "des",
        "la", "le", "aan", "uit", "bij",
    }
)  # fmt: skip

# Second-level suffixes under which the name of the company is the label before them.
_TWO_LEVEL_SUFFIXES = frozenset({"co.uk", "org.uk", "ltd.uk", "com.au", "co.nz", "co.za", "com.br", "co.jp"})

_LEGAL_FORM = re.compile(
    r"[\s,]+(?:b\.?\s?v\.?|n\.?\s?v\.?|v\.?\s?o\.?\s?f\.?|ltd\.?|gmbh|inc\.?|bvba)\s*$", re.IGNORECASE
)
_MIN_PART_LETTERS = 3
_MIN_LABEL_LENGTH = 4
_CONTEXT = 40


@dataclass(frozen=True)
class Hit:
    """One place where a text still names the client: what matched, where, and around it."""

    field: str
    term: str
    start: int
    end: int
    before: str
    match: str
    after: str


# --- folding ---------------------------------------------------------------------------------
def _fold_char(char: str) -> str:
    """One character folded; may be longer ("ß" → "ss", "ﬁ" → "fi") or empty (an accent, a soft hyphen)."""
    decomposed = unicodedata.normalize("NFKD", char).casefold()
    decomposed = unicodedata.normalize("NFKD", decomposed)
    return "".join(c for c in decomposed if unicodedata.category(c) not in ("Mn", "Me", "Cf"))


def fold(text: str) -> str:
    """``text`` case-folded, with diacritics and invisible format characters removed.

    Each character is decomposed (NFKD), case-folded, and stripped of its combining marks
    (accents) and of format characters such as soft hyphens and zero-width spaces, which
    word processors leave inside words. The result can be longer than ``text`` ("ß" → "ss",
    "ﬁ" → "fi", "½" → "1⁄2") or shorter (a combining accent disappears): never use an offset
    in the folded text on the original; ``find_hits`` maps offsets back itself.
    """
    return "".join(_fold_char(char) for char in text)


def _fold_with_origins(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the original character it came from."""
    pieces: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        pieces.append(folded)
        origins.extend([index] * len(folded))
    return "".join(pieces), origins


# --- terms -----------------------------------------------------------------------------------
# Words of an organisation's name that say what it does or is, not who: "Brouwerij" and
# "Bouw" are everywhere, "Kalkhoven" names one client. Every other word of 4+ letters of a
# client's name is a term on its own, so "Kalkhoven" alone is found in "Brouwerij Kalkhoven BV".
GENERIC_ORGANISATION_WORDS = frozenset(
    {
        "advies", "adviseurs", "accountants", "apotheek", "architecten", "bakkerij", "bakeries", "bakery",
        "bank", "beheer", "bouw", "brouwerij", "brewery", "communicatie", "company", "consultancy",
        "consulting", "design", "diensten", "engineering", "fabriek", "foundation", "gemeente", "group",
        "groep", "holding", "hotel", "installatie", "installaties", "international", "logistics",
        "logistiek", "management", "media", "nederland", "netherlands", "partners", "products", "projects",
        "services", "solutions", "stichting", "systems", "techniek", "technology", "trading", "transport", "vereniging",
        "verzekeringen", "zorg", "zorggroep", "and", "the", "voor", "en",
    }
)  # fmt: skip


def _client_terms(name: str) -> list[str]:
    without_form = _LEGAL_FORM.sub("", name).strip()
    words = [word.strip('()[]"“”,.;:&') for word in without_form.split()]
    distinctive = [
        word
        for word in words
        if sum(char.isalpha() for char in word) >= _MIN_LABEL_LENGTH
        and fold(word) not in GENERIC_ORGANISATION_WORDS
        and fold(word) not in NAME_PARTICLES
    ]
    return [name, without_form, *(distinctive if len(words) > 1 else [])]


def _is_name_part(part: str) -> bool:
    letters = sum(char.isalpha() for char in part)
    return letters >= _MIN_PART_LETTERS and fold(part) not in NAME_PARTICLES


def _contact_terms(name: str) -> list[str]:
    """The full name, and every word (and hyphenated piece) of it that names someone on its own."""
    terms = [name]
    for word in name.split():
        word = word.strip('()[]"“”,.;:')
        pieces = [word, *word.split("-")] if "-" in word else [word]
        terms.extend(piece for piece in pieces if _is_name_part(piece))
    return terms


def _domain_label(domain: str) -> str:
    """The label that names the organisation: "hofstede-bouw" in mail.hofstede-bouw.nl."""
    labels = domain.split(".")
    suffix_size = 2 if ".".join(labels[-2:]) in _TWO_LEVEL_SUFFIXES else 1
    return labels[-suffix_size - 1] if len(labels) > suffix_size else ""


def _email_terms(email: str) -> list[str]:
    """The address, its domain and the domain's main label, unless the domain is a public mailbox.

    The bare label is searched too because people write a company that way in prose,
    hashtags and links ("the hofstede-bouw portal"); labels shorter than four characters are
    left out because they are ordinary words or abbreviations far more often than names.
    """
    if "@" not in email:
        return [email]
    domain = email.rsplit("@", 1)[1].strip().rstrip(".").lower()
    if not domain or domain in PUBLIC_MAIL_DOMAINS:
        return [email]
    label = _domain_label(domain)
    return [email, domain, label] if len(label) >= _MIN_LABEL_LENGTH else [email, domain]


def _unique(terms: Iterable[str]) -> list[str]:
    """Terms in order, without blanks, and without a second spelling of the same folded term."""
    seen: set[str] = set()
    unique = []
    for term in terms:
        term = (term or "").strip()
        key = fold(term)
        if key and key not in seen:
            seen.add(key)
            unique.append(term)
    return unique


def identifying_terms(*, client_names: Iterable[str], contact_names: Iterable[str], emails: Iterable[str]) -> list[str]:
    """Everything that would name the client, deduplicated by ``fold``, in the order given.

    Client names as given and without a trailing legal form (BV, B.V., NV, VOF, Ltd, GmbH,
    Inc, BVBA); contacts' full names and each part of three or more letters that is not a
    name particle (van, de, der, von, …); e-mail addresses, their domains and the domains'
    main labels, except for public mail providers (``PUBLIC_MAIL_DOMAINS``), whose domain
    says nothing about the client.
    """
    terms: list[str] = []
    for name in client_names:
        terms.extend(_client_terms(name.strip()))
    for name in contact_names:
        terms.extend(_contact_terms(name.strip()))
    for email in emails:
        terms.extend(_email_terms(email.strip()))
    return _unique(terms)


# --- finding ---------------------------------------------------------------------------------
def _pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in fold(term).split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")


def _original_span(text: str, origins: list[int], start: int, end: int) -> tuple[int, int]:
    """The span in the original text of folded ``[start, end)``, with the accents of its last letter."""
    original_start = origins[start]
    original_end = origins[end - 1] + 1
    while original_end < len(text) and not _fold_char(text[original_end]):
        original_end += 1
    return original_start, original_end


def _longest_first(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Of overlapping spans, keep the longest (the earliest on a tie), ordered by start."""
    kept: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(span[1] <= other[0] or other[1] <= span[0] for other in kept):
            kept.append(span)
    return sorted(kept)


def _context_before(text: str, start: int) -> str:
    """Up to ``_CONTEXT`` characters before ``start``, not starting halfway through a word."""
    window_start = max(0, start - _CONTEXT)
    before = text[window_start:start]
    if window_start > 0 and not text[window_start - 1].isspace():
        first_space = re.search(r"\s", before)
        rest = before[first_space.end() :] if first_space else ""
        before = rest if rest.strip() else before
    return before


def _context_after(text: str, end: int) -> str:
    """Up to ``_CONTEXT`` characters after ``end``, not ending halfway through a word."""
    window_end = min(len(text), end + _CONTEXT)
    after = text[end:window_end]
    if window_end < len(text) and not text[window_end].isspace():
        spaces = list(re.finditer(r"\s", after))
        head = after[: spaces[-1].start()] if spaces else ""
        after = head if head.strip() else after
    return after


def _field_hits(field: str, text: str, patterns: list[tuple[str, re.Pattern[str]]]) -> list[Hit]:
    folded, origins = _fold_with_origins(text)
    spans = []
    for term, pattern in patterns:
        for found in pattern.finditer(folded):
            spans.append((*_original_span(text, origins, found.start(), found.end()), term))
    return [
        Hit(
            field=field,
            term=term,
            start=start,
            end=end,
            before=_context_before(text, start),
            match=text[start:end],
            after=_context_after(text, end),
        )
        for start, end, term in _longest_first(spans)
    ]


def find_hits(texts: Mapping[str, str], terms: Iterable[str]) -> list[Hit]:
    """Every place in ``texts`` (field name → text) that still names a term, fields in the given order.

    Offsets, ``match``, ``before`` and ``after`` are in the original text of the field, even
    where folding changed its length. ``before``/``after`` hold up to 40 characters, cut at a
    space when they would otherwise start or end mid-word.
    """
    patterns = [(term, _pattern(term)) for term in _unique(terms)]
    hits: list[Hit] = []
    for field, text in texts.items():
        if text and patterns:
            hits.extend(_field_hits(field, text, patterns))
    return hits
