"""Markdown written by advisors and community members, turned into HTML that is safe to show.

Two layers, so that a mistake in one is caught by the other:

1. Python-Markdown renders the source with raw HTML switched off: its ``html_block``
   preprocessor and ``html`` inline pattern are removed, so ``<script>…</script>`` or
   ``<b>`` in the source is *escaped* and shows as the literal text the author typed. We
   escape rather than strip because stripping silently rewrites what someone wrote
   ("use a <table> for that" would lose a word) and would leave the contents of
   ``<script>``/``<style>`` behind as text soup; escaping keeps the source honest and means
   no author-written tag ever reaches a parser.
2. nh3 (ammonia) then cleans the rendered HTML against an explicit allow-list (``TAGS``,
   ``ATTRIBUTES``, ``URL_SCHEMES``), drops relative URLs (which is what stops ``//evil``
   protocol-relative links and ``&#106;avascript:`` tricks that are not a scheme), throws
   away ``<script>``/``<style>`` with their contents should Markdown ever emit one, and gives
   every link ``rel="nofollow ugc noopener"``: it is user content, not our recommendation.

Headings: the page around the text owns its ``<h1>`` and ``<h2>``, so Markdown headings move
down two levels and stop at ``<h4>`` (``#`` → h3, ``##`` and deeper → h4). The author's
top-level heading stays the text's top-level heading, and the page outline stays valid.

Images are not allowed: an image loads as soon as the page or e-mail is opened, so a
commenter could put a tracking pixel in front of every reader (who read it, when, from
where). ``![alt](url)`` becomes a plain link with the alt text, so the reader decides
whether to fetch it, and nh3 refuses ``<img>`` in any case.

Extensions: ``fenced_code`` and ``tables`` from "extra", and ``sane_lists`` so that a
numbered list right after a bulleted one stays a list of its own. The other parts of
"extra" are left out because their output falls outside the allow-list (``attr_list``:
classes and ids; ``footnotes``: relative ``#fn`` anchors; ``abbr``/``def_list``: tags we do
not allow) or because they exist to pass raw HTML through (``md_in_html``).
"""

import re
from html.parser import HTMLParser
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

TAGS = frozenset(
    {
        "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4", "hr",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"
EXTENSIONS = ("fenced_code", "tables", "sane_lists")

_SOURCE_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_HEADING_SHIFT = 2
_DEEPEST_HEADING = 4
_BLOCK_TAGS = frozenset({"p", "li", "blockquote", "pre", "h3", "h4", "hr", "table", "tr", "ul", "ol"})


class _PageSafeTree(Treeprocessor):
    """Moves headings below the page's own and turns images into links before serialising."""

    def run(self, root: Element) -> None:
        for link in root.iter("a"):
            for image in link.iter("img"):
                _image_to_text(image)
        for element in root.iter():
            if element.tag in _SOURCE_HEADINGS:
                level = min(int(element.tag[1]) + _HEADING_SHIFT, _DEEPEST_HEADING)
                element.tag = f"h{level}"
            elif element.tag == "img":
                _image_to_link(element)


def _image_to_link(element: Element) -> None:
    """An image becomes a link to it, labelled with its alt text (or its address)."""
    src = element.get("src", "")
    label = element.get("alt") or src
    title = element.get("title")
    element.attrib.clear()
    element.tag = "a"
    element.set("href", src)
    if title:
        element.set("title", title)
    element.text = label


def _image_to_text(element: Element) -> None:
    """An image inside a link becomes its alt text (a link in a link is not HTML); nh3 drops the span."""
    alt = element.get("alt", "")
    element.attrib.clear()
    element.tag = "span"
    element.text = alt


class _PageSafeMarkdown(markdown.Extension):
    """Raw HTML off (escaped as text), headings shifted, images as links."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_PageSafeTree(md), "page_safe", 5)


def _markdown_to_html(text: str) -> str:
    # A fresh instance per call: Markdown objects keep state between conversions and are not
    # safe to share between threads; building one costs far less than the rendering itself.
    md = markdown.Markdown(extensions=[*EXTENSIONS, _PageSafeMarkdown()], output_format="html")
    return md.convert(text)


def _sanitise(html: str) -> str:
    """The allow-list applied by nh3; anything not named here is dropped (see the module docstring)."""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        url_relative="deny",
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """The HTML for ``text``, safe to mark safe in a template; "" for empty or blank input.

    See the module docstring for what is allowed and why.
    """
    if not text or not text.strip():
        return ""
    return _sanitise(_markdown_to_html(text)).strip()


class _TextCollector(HTMLParser):
    """Collects the text of rendered HTML, with line breaks where blocks end."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n" if tag not in ("li", "tr") else "\n")

    def handle_data(self, data: str) -> None:
        # Whitespace alone is the indentation between rendered tags, not the author's text.
        self.parts.append(data if data.strip() else " ")

    def text(self) -> str:
        joined = "".join(self.parts)
        lines = (re.sub(r"[^\S\n]+", " ", line).strip() for line in joined.split("\n"))
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _truncate(text: str, limit: int) -> str:
    """At most ``limit`` characters including the "…", cut where a word ends when possible."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if not text[limit - 1].isspace():
        boundary = max(head.rfind(" "), head.rfind("\n"))
        if boundary > 0:
            head = head[:boundary]
    return head.rstrip(" \n,;:-–—") + "…"


def plain_text(text: str, limit: int | None = None) -> str:
    """The rendered text of ``text`` without any tags, for the Atom summary and e-mail bodies.

    Blocks (paragraphs, list items, headings) end on a line break, other whitespace is
    collapsed, entities are decoded: the result is *text*, so whoever puts it into HTML must
    escape it (Django templates do). With ``limit`` the result is at most that many
    characters, "…" included, cut at the last word boundary (mid-word only when a single
    word is longer than the limit).
    """
    if limit is not None and limit < 1:
        raise ValueError("limit must be at least 1")
    collector = _TextCollector()
    collector.feed(render_markdown(text))
    collector.close()
    result = collector.text()
    return _truncate(result, limit) if limit is not None else result
