"""casestudies.markup: ordinary Markdown renders, and nothing an attacker writes survives as markup.

The XSS payloads follow the OWASP XSS filter evasion cheat sheet. Each output is parsed with
Python's html.parser and checked against the allow-list, so a test fails on what a browser
would see, not on the exact spelling of the output.
"""

import re
from html import unescape
from html.parser import HTMLParser

import pytest

from casestudies import markup
from casestudies.markup import LINK_REL, TAGS, plain_text, render_markdown

SAFE_SCHEMES = ("http", "https", "mailto")


class _Collector(HTMLParser):
    """Every element and attribute in a piece of HTML, as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def _elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.elements


def _scheme(href: str) -> str:
    """The scheme a browser would act on: entities decoded, whitespace and control characters gone."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", unescape(href)).lower()
    found = re.match(r"([a-z][a-z0-9+.-]*):", cleaned)
    return found.group(1) if found else ""


def assert_safe(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<iframe" not in lowered
    for tag, attrs in _elements(html):
        assert tag in TAGS, f"element <{tag}> is not allowed: {html}"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"handler {name} on <{tag}>: {html}"
            assert name != "style", f"style on <{tag}>: {html}"
            assert name in ("href", "title", "rel") and tag == "a", f"attribute {name} on <{tag}>: {html}"
            if name == "href":
                assert _scheme(value or "") in SAFE_SCHEMES, f"href {value!r}: {html}"


B64_SCRIPT = "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="
PAYLOADS = [
    pytest.param("<script>alert(1)</script>", id="script"),
    pytest.param("<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>", id="script-src-uppercase"),
    pytest.param("<scr<script>ipt>alert(1)</scr</script>ipt>", id="script-nested-split"),
    pytest.param("<<script>alert(1)//<</script>", id="script-double-open"),
    pytest.param("<img src=x onerror=alert(1)>", id="img-onerror"),
    pytest.param("<IMG SRC=\"javascript:alert('XSS');\">", id="img-javascript-src"),
    pytest.param("<svg onload=alert(1)>", id="svg-onload"),
    pytest.param("<svg><script>alert(1)</script></svg>", id="svg-script"),
    pytest.param('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', id="svg-xlink-href"),
    pytest.param('<iframe src="javascript:alert(1)"></iframe>', id="iframe-src"),
    pytest.param('<iframe srcdoc="<script>alert(1)</script>"></iframe>', id="iframe-srcdoc"),
    pytest.param("[x](javascript:alert(1))", id="md-link-javascript"),
    pytest.param("[x](JaVaScRiPt:alert(1))", id="md-link-mixed-case"),
    pytest.param("[x](java\tscript:alert(1))", id="md-link-tab"),
    pytest.param("[x](java\nscript:alert(1))", id="md-link-newline"),
    pytest.param("[x](java&#x09;script:alert(1))", id="md-link-entity-tab"),
    pytest.param("[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))", id="md-link-entities"),
    pytest.param("[x](javascript&colon;alert(1))", id="md-link-named-colon"),
    pytest.param("[x](<javascript:alert(1)>)", id="md-link-angle-destination"),
    pytest.param("[x](%6A%61vascript:alert(1))", id="md-link-percent-encoded"),
    pytest.param(f"[x](data:text/html;base64,{B64_SCRIPT})", id="md-link-data"),
    pytest.param("[x](vbscript:msgbox(1))", id="md-link-vbscript"),
    pytest.param("[x](//evil.example/steal)", id="md-link-protocol-relative"),
    pytest.param("[x](\\\\evil.example/steal)", id="md-link-backslashes"),
    pytest.param("[x][evil]\n\n[evil]: javascript:alert(1)", id="md-reference-javascript"),
    pytest.param('[x][evil]\n\n[evil]: https://ok.example "\\"><script>alert(1)</script>"', id="md-reference-title"),
    pytest.param("<javascript:alert(1)>", id="md-autolink-javascript"),
    pytest.param('<https://ok.example" onmouseover="alert(1)>', id="md-autolink-quote"),
    pytest.param("![x](javascript:alert(1))", id="md-image-javascript"),
    pytest.param("![x](https://evil.example/pixel.png)", id="md-image-pixel"),
    pytest.param('![x](https://evil.example/p.png "\\" onerror=\\"alert(1)")', id="md-image-title-break"),
    pytest.param('[x](https://ok.example "\\"><script>alert(1)</script>")', id="md-title-break-double"),
    pytest.param("[x](https://ok.example 'onmouseover=alert(1) x=')", id="md-title-break-single"),
    pytest.param('[x](https://ok.example/"onmouseover="alert(1))', id="md-href-quote"),
    pytest.param('[x](https://ok.example){: onclick="alert(1)" style="x" }', id="md-attr-list"),
    pytest.param("# <img src=x onerror=alert(1)>", id="md-heading-html"),
    pytest.param("```\n</code></pre><script>alert(1)</script>\n```", id="md-fence-breakout"),
    pytest.param("`</code><script>alert(1)</script>`", id="md-inline-code-breakout"),
    pytest.param('<a href="javascript:alert(1)">x</a>', id="html-a-javascript"),
    pytest.param('<a href="&#106;avascript:alert(1)">x</a>', id="html-a-entity"),
    pytest.param('<a href="&#x6A;&#x61;&#x76;&#x61;script&#x3A;alert(1)">x</a>', id="html-a-hex-entities"),
    pytest.param('<a href="jav&#x0A;ascript:alert(1)">x</a>', id="html-a-entity-newline"),
    pytest.param('<a href=" &#14;  javascript:alert(1)">x</a>', id="html-a-control-char"),
    pytest.param('<a href="  JAVASCRIPT:alert(1)">x</a>', id="html-a-spaces-uppercase"),
    pytest.param('<a href="javascript&colon;alert(1)">x</a>', id="html-a-named-colon"),
    pytest.param(f'<a href="data:text/html;base64,{B64_SCRIPT}">x</a>', id="html-a-data"),
    pytest.param(
        '<a href="https://ok.example" onclick="alert(1)" style="color:red" class="btn">x</a>', id="html-a-extras"
    ),
    pytest.param('<object data="javascript:alert(1)"></object>', id="object"),
    pytest.param('<embed src="https://evil.example/x.swf">', id="embed"),
    pytest.param('<form action="javascript:alert(1)"><button>go</button></form>', id="form-action"),
    pytest.param("<isindex action=javascript:alert(1) type=image>", id="isindex"),
    pytest.param("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", id="math-mglyph-mxss"),
    pytest.param("<svg><p><style><img src=x onerror=alert(1)></style></p></svg>", id="svg-style-mxss"),
    pytest.param('<math href="javascript:alert(1)">x</math>', id="math-href"),
    pytest.param('<noscript><p title="</noscript><img src=x onerror=alert(1)>">', id="noscript-mxss"),
    pytest.param("<style>@import 'https://evil.example/x.css';</style>", id="style-import"),
    pytest.param("<link rel=stylesheet href=https://evil.example/x.css>", id="link-stylesheet"),
    pytest.param('<div style="background:url(javascript:alert(1))">x</div>', id="div-style"),
    pytest.param('<table background="javascript:alert(1)"><tr><td>x</td></tr></table>', id="table-background"),
    pytest.param("<body onload=alert(1)>", id="body-onload"),
    pytest.param("<details open ontoggle=alert(1)>", id="details-ontoggle"),
    pytest.param("<video><source onerror=alert(1)></video>", id="video-source-onerror"),
    pytest.param("<marquee onstart=alert(1)>x</marquee>", id="marquee-onstart"),
    pytest.param('<base href="https://evil.example/">', id="base-href"),
    pytest.param('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', id="meta-refresh"),
    pytest.param("<input autofocus onfocus=alert(1)>", id="input-onfocus"),
    pytest.param("<textarea><script>alert(1)</script></textarea>", id="textarea-script"),
    pytest.param("<!--<script>alert(1)</script>-->", id="comment-script"),
    pytest.param("<![CDATA[<script>alert(1)</script>]]>", id="cdata-script"),
    pytest.param("<xss onafterscriptexecute=alert(1)><script>1</script>", id="custom-element-handler"),
    pytest.param("> <script>alert(1)</script>\n> [x](javascript:alert(1))", id="blockquote-script"),
    pytest.param("- <img src=x onerror=alert(1)>\n- [x](javascript:alert(1))", id="list-item-payloads"),
    pytest.param("| <script>alert(1)</script> |\n|---|\n| [x](javascript:alert(1)) |", id="table-cell-payloads"),
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_renders_harmless(payload):
    assert_safe(render_markdown(payload))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_harmless_to_the_sanitiser_alone(payload):
    """Markdown escapes raw HTML first; the nh3 layer must hold on its own should that ever change."""
    assert_safe(markup._sanitise(payload))


def test_sanitiser_drops_script_and_style_with_their_contents():
    assert markup._sanitise("<p>a<script>alert(1)</script><style>p{color:red}</style>b</p>") == "<p>ab</p>"


def test_there_are_enough_payloads():
    assert len(PAYLOADS) >= 35


def test_the_checker_itself_catches_unsafe_html():
    """The collector must fail on what it is there to catch, or the payload tests prove nothing."""
    for unsafe in (
        "<img src=x>",
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href="//evil.example">x</a>',
        '<p onclick="x">x</p>',
        '<p style="x">x</p>',
    ):
        with pytest.raises(AssertionError):
            assert_safe(unsafe)


# --- ordinary Markdown -----------------------------------------------------------------------
def test_emphasis_and_strong_render():
    assert render_markdown("*one* and **two** and _three_") == (
        "<p><em>one</em> and <strong>two</strong> and <em>three</em></p>"
    )


def test_lists_render():
    html = render_markdown("- apples\n- pears\n\n1. first\n2. second")
    assert "<ul>\n<li>apples</li>\n<li>pears</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>\n<li>second</li>\n</ol>" in html


def test_links_get_nofollow_ugc_noopener():
    html = render_markdown('[our site](https://example.org/about "About us")')
    assert html == f'<p><a href="https://example.org/about" title="About us" rel="{LINK_REL}">our site</a></p>'
    assert LINK_REL == "nofollow ugc noopener"


def test_autolinks_and_mailto_are_links():
    elements = [e for e in _elements(render_markdown("<https://example.org> and <someone@example.org>")) if e[0] == "a"]
    assert [attrs["href"] for _, attrs in elements] == ["https://example.org", "mailto:someone@example.org"]
    assert all(attrs["rel"] == LINK_REL for _, attrs in elements)


def test_link_with_a_refused_scheme_keeps_its_text_without_href():
    html = render_markdown("[click me](javascript:alert(1))")
    assert "click me" in html
    assert "href" not in html


def test_relative_links_are_dropped():
    """Relative URLs are refused as a whole: that is what closes "//host" and entity tricks."""
    assert "href" not in render_markdown("[home](/dashboard/) [top](#top)")


def test_fenced_code_is_escaped_and_keeps_no_language_class():
    html = render_markdown('```python\nif a < b and "<b>":\n    pass\n```')
    assert html == '<pre><code>if a &lt; b and "&lt;b&gt;":\n    pass\n</code></pre>'


def test_indented_and_inline_code_are_escaped():
    assert render_markdown("    <i>x</i>") == "<pre><code>&lt;i&gt;x&lt;/i&gt;\n</code></pre>"
    assert render_markdown("use `<br>` here") == "<p>use <code>&lt;br&gt;</code> here</p>"


def test_blockquote_and_rule_render():
    assert render_markdown("> wise words\n\n---") == "<blockquote>\n<p>wise words</p>\n</blockquote>\n<hr>"


def test_tables_render():
    html = render_markdown("| a | b |\n|---|:-:|\n| 1 | 2 |")
    assert [tag for tag, _ in _elements(html)] == ["table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"]
    assert "style" not in html


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("# Top", "<h3>Top</h3>"),
        ("## Second", "<h4>Second</h4>"),
        ("### Third", "<h4>Third</h4>"),
        ("###### Sixth", "<h4>Sixth</h4>"),
        ("Top\n===", "<h3>Top</h3>"),
        ("Second\n---", "<h4>Second</h4>"),
    ],
    ids=["h1", "h2", "h3", "h6", "setext-h1", "setext-h2"],
)
def test_headings_move_below_the_pages_own(source, expected):
    assert render_markdown(source) == expected


def test_images_become_links_never_img():
    html = render_markdown("![the chart](https://example.org/chart.png)")
    assert html == f'<p><a href="https://example.org/chart.png" rel="{LINK_REL}">the chart</a></p>'


def test_image_inside_a_link_becomes_the_links_text():
    html = render_markdown("[![logo](https://example.org/logo.png)](https://example.org)")
    assert html == f'<p><a href="https://example.org" rel="{LINK_REL}">logo</a></p>'


def test_raw_html_is_escaped_as_text():
    assert render_markdown("<b>bold</b> <div>block</div>") == (
        "<p>&lt;b&gt;bold&lt;/b&gt; &lt;div&gt;block&lt;/div&gt;</p>"
    )


def test_text_content_is_kept():
    assert render_markdown("a < b & c > d") == "<p>a &lt; b &amp; c &gt; d</p>"
    assert plain_text("a < b & c > d") == "a < b & c > d"


def test_entities_written_by_the_author_show_as_characters():
    assert plain_text("&lt;script&gt; &amp; &eacute;") == "<script> & é"


@pytest.mark.parametrize("blank", ["", " ", "\n\n\t  \n"], ids=["empty", "space", "whitespace"])
def test_blank_input_renders_nothing(blank):
    assert render_markdown(blank) == ""
    assert plain_text(blank) == ""


# --- plain_text ------------------------------------------------------------------------------
def test_plain_text_strips_all_tags():
    source = "# Title\n\nSome *very* **bold** [link](https://example.org).\n\n- one\n- two"
    assert plain_text(source) == "Title\n\nSome very bold link.\n\none\ntwo"


def test_plain_text_puts_table_cells_on_one_line_per_row():
    assert plain_text("| a | b |\n|---|---|\n| 1 | 2 |") == "a b\n1 2"


def test_plain_text_drops_what_render_drops():
    assert plain_text("<script>alert(1)</script>") == "<script>alert(1)</script>"
    assert plain_text("![pixel](https://evil.example/p.png)") == "pixel"


def test_plain_text_shorter_than_limit_is_untouched():
    assert plain_text("Short enough.", limit=13) == "Short enough."


def test_plain_text_is_cut_at_a_word_boundary():
    result = plain_text("The quick brown fox jumps over the lazy dog", limit=20)
    assert result == "The quick brown fox…"
    assert len(result) <= 20


def test_plain_text_cut_exactly_before_a_space_keeps_the_whole_word():
    assert plain_text("alpha beta gamma", limit=11) == "alpha beta…"


def test_plain_text_cut_drops_trailing_punctuation():
    assert plain_text("First, second, third", limit=15) == "First, second…"


def test_plain_text_single_long_word_is_cut_mid_word():
    assert plain_text("Supercalifragilistic", limit=6) == "Super…"


def test_plain_text_limit_must_be_positive():
    with pytest.raises(ValueError):
        plain_text("anything", limit=0)
