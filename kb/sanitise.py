"""What a page may publish: one allowlist, used twice.

Page text is written by many people, and Markdown itself publishes raw HTML
and attribute lists (`{ onclick=… }`) as written. So the HTML of every page
goes through two steps that read the same allowlist below:

- `findings(html)` lists everything in a page's converted Markdown that
  would run script, load something from another host, or that the allowlist
  does not publish, each with what is wrong, the fix and the text to look for
  in the source (kb/passages.py turns each into a problem with file and
  line, so the build fails and the author learns of it);
- `clean(html)` is the last step of every page's content (kb/build.py
  `compose`, after the generated blocks are rendered): nh3, the Python
  binding of Rust's ammonia, an allowlist sanitiser built on a real HTML5
  parser, keeps only what is listed here. Whatever got past the check (a
  preview build, which does not stop on errors, or a case the check does not
  know) reaches no reader as live markup.

The two are one list so that the check fails for anything the sanitiser
would remove: a page that builds loses nothing.

Not in this list, because a page's content never carries them: Material's
templates around the content (its own scripts, forms and icons), which the
Content-Security-Policy covers (kb/csp.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nh3
from selectolax.lexbor import LexborHTMLParser

from .text import invisible

# -- the allowlist -------------------------------------------------------------

# What Markdown, its extensions (tables, footnotes, admonitions, definition
# lists, abbreviations, md_in_html), the passage extension and the block
# templates (overrides/partials/kb/) produce, and the plain HTML an author
# may write in a page.
TEXT_TAGS = {
    "a", "abbr", "b", "bdi", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "nav", "ol", "p", "picture", "pre", "q", "s", "samp",
    "section", "small", "source", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "time", "tr", "u", "ul", "var", "wbr", "aside", "header", "footer", "article",
}  # fmt: skip
# The article index's filters (overrides/partials/kb/article-index.html): a
# form with no address to send to, read by the page script.
FORM_TAGS = {"form", "input", "label", "select", "option", "button", "fieldset", "legend"}
# Drawings (the disciplines' cycle, overrides/partials/kb/disciplines-diagram.html).
SVG_TAGS = {
    "svg", "g", "path", "circle", "ellipse", "line", "polyline", "polygon", "rect", "text", "tspan",
    "title", "desc", "defs", "marker",
}  # fmt: skip
TAGS = TEXT_TAGS | FORM_TAGS | SVG_TAGS

# On every element. `data-` and `aria-` attributes too (GENERIC_PREFIXES):
# the page script reads data-* (data-disciplines, data-themes, …).
GLOBAL_ATTRIBUTES = {"id", "class", "title", "lang", "dir", "hidden", "role", "tabindex", "translate"}
GENERIC_PREFIXES = {"data-", "aria-"}
ATTRIBUTES = {
    "a": {"href", "rel", "hreflang", "target", "download", "xlink:href"},
    "abbr": set(),
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding"},
    "source": {"src", "srcset", "sizes", "type", "media", "width", "height"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "headers", "align"},
    "th": {"colspan", "rowspan", "headers", "scope", "abbr", "align"},
    "col": {"span"},
    "colgroup": {"span"},
    "time": {"datetime"},
    "details": {"open"},
    "input": {"type", "name", "value", "placeholder", "autocomplete", "checked", "disabled", "required"},
    "select": {"name", "multiple", "disabled"},
    "option": {"value", "selected", "disabled"},
    "label": {"for"},
    "button": {"type", "name", "value", "disabled"},
    "svg": {"viewBox", "width", "height", "xmlns", "preserveAspectRatio", "focusable"},
    "path": {"d", "transform", "marker-end", "marker-start"},
    "circle": {"cx", "cy", "r", "transform"},
    "ellipse": {"cx", "cy", "rx", "ry", "transform"},
    "line": {"x1", "y1", "x2", "y2", "transform", "marker-end", "marker-start"},
    "polyline": {"points", "transform", "marker-end", "marker-start"},
    "polygon": {"points", "transform"},
    "rect": {"x", "y", "width", "height", "rx", "ry", "transform"},
    "text": {"x", "y", "dx", "dy", "text-anchor", "dominant-baseline", "transform"},
    "tspan": {"x", "y", "dx", "dy", "text-anchor", "dominant-baseline"},
    "g": {"transform"},
    "marker": {"viewBox", "refX", "refY", "markerWidth", "markerHeight", "orient"},
}
# Link targets a reader may follow; a relative address is always allowed.
LINK_SCHEMES = {"http", "https", "mailto", "tel"}
# Attributes whose address the browser loads by itself, with no click: only
# files of this site (a relative address).
RESOURCE_ATTRIBUTES = {"src", "srcset", "poster", "background", "data", "ping"}
URL_ATTRIBUTES = {"href", "xlink:href", "src", "srcset", "cite", "action", "formaction", "poster", "background"}
URL_ATTRIBUTES |= {"data", "ping", "codebase", "longdesc", "usemap", "manifest", "icon", "lowsrc", "dynsrc"}
# Ids the theme's own script looks up (Material: __config, __search,
# __drawer, __palette_0, …): an author's element with one would take its place.
RESERVED_ID = re.compile(r"^__")

# -- what fails the build, and why ------------------------------------------------

# Elements that run script, load or show another document, or change where the
# page's links and requests go: never published, whatever their attributes.
ACTIVE_ELEMENTS = {
    "script": "runs script in every reader's browser",
    "noscript": "is a fallback for script, which pages do not carry",
    "iframe": "shows another page, maybe another site's, inside this one",
    "frame": "shows another page inside this one",
    "frameset": "shows other pages inside this one",
    "object": "loads a plugin or another document into the page",
    "embed": "loads a plugin or another document into the page",
    "applet": "runs a plugin",
    "portal": "shows another page inside this one",
    "form": "sends what readers type to an address",
    "base": "changes where every link and picture on the page points",
    "meta": "can send readers to another address or change how the page is read",
    "link": "loads a file, maybe from another site, into the page",
    "style": "restyles the whole site, can load files from other sites, and is blocked by the "
    "site's Content-Security-Policy",
    "animate": "can rewrite a link's address into script (SVG animation)",
    "set": "can rewrite a link's address into script (SVG animation)",
    "animatemotion": "is SVG animation, which can rewrite attributes",
    "animatetransform": "is SVG animation, which can rewrite attributes",
    "discard": "is SVG animation, which can rewrite the page",
    "foreignobject": "puts HTML inside a drawing, out of reach of the page's checks",
    "template": "holds markup that script would insert later",
    "slot": "belongs to script-built components",
    "use": "can load a drawing from another site",
    "image": "can load a picture from another site into a drawing",
    "textarea": "is a form field, which pages do not carry",
    "video": "plays media; it is not in the site's list of published HTML",
    "audio": "plays media; it is not in the site's list of published HTML",
    "track": "loads media captions",
}
FIX_ACTIVE = (
    "write the content in Markdown; pictures go in docs/ and are linked by path; "
    "pages carry no scripts, embedded pages, forms or styles (the site's look is in docs/assets/kb.css)."
)


@dataclass(frozen=True)
class Finding:
    """One thing in a page's HTML that is never published."""

    what: str
    fix: str
    needles: tuple[str, ...]  # text to look for in the source, most precise first


def scheme_of(url: str) -> str:
    """The scheme a browser sees in `url` (lower case, "" for a relative
    address). Browsers drop leading and trailing control characters and
    spaces and every tab and newline before reading it; here every control
    character and space goes, so "java&#10;script:", a leading \\x01 and
    "JaVaScRiPt:" all read as "javascript"."""
    squeezed = re.sub(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028\u2029\u2060-\u2064\ufeff]", "", url)
    match = re.match(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):", squeezed)
    return match.group(1).lower() if match else ""


def is_remote(url: str) -> bool:
    """Whether a browser would fetch `url` from an address that is not a
    file of this site (any scheme, or a network-path reference "//host")."""
    squeezed = re.sub(r"[\x00-\x20\x7f-\x9f]", "", url).replace("\\", "/")
    return bool(scheme_of(url)) or squeezed.startswith("//")


def _srcset_urls(value: str) -> list[str]:
    return [part.split()[0] for part in value.split(",") if part.split()]


def _allowed_attribute(tag: str, name: str) -> bool:
    return (
        name in GLOBAL_ATTRIBUTES
        or name in ATTRIBUTES.get(tag, ())
        or any(name.startswith(prefix) and len(name) > len(prefix) for prefix in GENERIC_PREFIXES)
    )


# Attributes that always need a closer look.
_LOOKED_AT = {"style", "srcdoc", "formaction", "action", "id"}


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def findings(html: str) -> list[Finding]:
    """Everything in `html` (a page's converted Markdown) that is never
    published, read by an HTML5 parser as a browser reads it (entities
    decoded, attribute names in lower case)."""
    return scan(html)[0]


def duplicate_ids(html: str) -> list[str]:
    """Ids given to more than one element of `html`, in order."""
    return scan(html)[1]


def scan(html: str) -> tuple[list[Finding], list[str]]:
    """`findings` and `duplicate_ids` of `html`, from one parse."""
    found: list[Finding] = []
    seen: set[str] = set()
    twice: list[str] = []
    if "<" not in html:
        return found, twice
    tree = LexborHTMLParser(html)
    for node in tree.root.traverse(include_text=False):
        tag = node.tag.lower()
        if tag.startswith("-") or tag in ("html", "head", "body"):
            continue
        attributes = node.attributes
        if element_id := attributes.get("id"):
            if element_id in seen and element_id not in twice:
                twice.append(element_id)
            seen.add(element_id)
        if tag in ACTIVE_ELEMENTS:
            found.append(
                Finding(
                    f"raw HTML with a <{tag}> element, which {ACTIVE_ELEMENTS[tag]}.",
                    FIX_ACTIVE,
                    (f"<{tag}", tag),
                )
            )
            continue
        if tag not in TAGS:
            found.append(
                Finding(
                    f"raw HTML with a <{tag}> element, which is not in the site's list of published HTML.",
                    "write it in Markdown, or use an element the site publishes (kb/sanitise.py lists them).",
                    (f"<{tag}", tag),
                )
            )
        for name, value in attributes.items():
            found += attribute_findings(tag, name, value or "")
    return found, twice


def attribute_findings(tag: str, name: str, value: str) -> list[Finding]:
    """`name` as the parser gives it: lower case, but for SVG's own
    mixed-case attributes (viewBox)."""
    lower = name.lower()
    if (
        lower not in _LOOKED_AT
        and not lower.startswith("on")
        and lower not in URL_ATTRIBUTES
        and _allowed_attribute(tag, name)
    ):
        return []  # most attributes: nothing to say, nothing to compute
    shown = f'{name}="{_short(value, 24)}"' if value else name
    # Where it was written: its value is the most telling (two style
    # attributes on one page differ by it), then its name.
    at = tuple(n for n in (value.strip() if len(value.strip()) > 2 else "", f"{name}=", name) if n)
    if name.lower().startswith("on"):
        return [
            Finding(
                f"an event handler '{shown}' on a <{tag}>, which would run script in every reader's browser.",
                "remove it: pages carry no script. An attribute list { … } gives ids, classes and "
                "discipline marks only.",
                at,
            )
        ]
    if name == "style":
        return [
            Finding(
                f"a style attribute '{shown}' on a <{tag}>: inline styles can load files from other "
                "sites, and the site's Content-Security-Policy blocks them.",
                "remove it; give the element a class ({ .my-class }) and style the class in docs/assets/kb.css.",
                at,
            )
        ]
    if name in ("srcdoc", "formaction", "action"):
        return [
            Finding(
                f"the attribute '{shown}' on a <{tag}>, which would load or send to another document.",
                "remove it: pages carry no embedded documents or forms.",
                at,
            )
        ]
    found = _url_findings(tag, name, value) + _id_findings(name, value, at)
    if not found and not _allowed_attribute(tag, name):
        found.append(
            Finding(
                f"the attribute '{shown}' on a <{tag}> is not in the site's list of published HTML.",
                "remove it; an attribute list { … } gives ids, classes and discipline marks "
                "(kb/sanitise.py lists what else is published).",
                at,
            )
        )
    return found


def _url_findings(tag: str, name: str, value: str) -> list[Finding]:
    """An address attribute: a scheme that is never published, or a
    resource loaded from another site."""
    if name not in URL_ATTRIBUTES:
        return []
    found = []
    for url in _srcset_urls(value) if name == "srcset" else [value]:
        scheme = scheme_of(url)
        needles = tuple(n for n in (url.strip(), url.partition(":")[2].strip(), f"{name}=") if n)
        if scheme and scheme not in LINK_SCHEMES:
            found.append(
                Finding(
                    f"a link or image points to a '{scheme}:' address, which is never published.",
                    "link to a page (https://… or another .md file); put pictures in docs/ and link them by path.",
                    needles,
                )
            )
        elif name in RESOURCE_ATTRIBUTES and is_remote(url):
            found.append(
                Finding(
                    f"the <{tag}> loads '{_short(url)}' from another site: every reader's browser would "
                    "ask that site for it (and the site's Content-Security-Policy would block it).",
                    "save the file in docs/ (next to the page, or in docs/assets/) and link it by its path, "
                    "or make it an ordinary link a reader chooses to follow: [text](https://…).",
                    needles,
                )
            )
    return found


def _id_findings(name: str, value: str, at: tuple[str, ...]) -> list[Finding]:
    """An id with an invisible character, or one the theme's script reserves."""
    if name != "id":
        return []
    found = []
    if hidden := invisible(value):
        found.append(
            Finding(
                f"the id '{_short(value)}' holds an invisible character ({hidden}).",
                "write ids with visible letters, digits and hyphens only.",
                at,
            )
        )
    if RESERVED_ID.match(value):
        found.append(
            Finding(
                f"the id '{value}' is reserved for the theme's own script (ids starting with '__').",
                "choose another id, without the leading underscores.",
                (value, "#" + value),
            )
        )
    return found


# -- the sanitiser ---------------------------------------------------------------


def _filter(tag: str, name: str, value: str) -> str | None:
    """nh3 keeps an allowed attribute only if this returns its value: no
    resource from another site, no id reserved for the theme, and no
    address whose scheme, read as `scheme_of` reads it (spaces and control
    characters anywhere dropped), is not a link's: stricter than browsers,
    like the check."""
    if name in URL_ATTRIBUTES and any(
        scheme_of(url) not in ("", *LINK_SCHEMES) for url in (_srcset_urls(value) if name == "srcset" else [value])
    ):
        return None
    if name in RESOURCE_ATTRIBUTES or (name == "href" and tag not in ("a",)):
        urls = _srcset_urls(value) if name == "srcset" else [value]
        if any(is_remote(url) for url in urls):
            return None
    if name == "id" and RESERVED_ID.match(value):
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=TAGS,
    # Removed with what they hold: scripts and styles, and the containers
    # an HTML parser treats as a boundary (object, applet, marquee, math…):
    # stripped alone, they would leave a paragraph inside a paragraph, which
    # the next parser reads differently (found by tests/test_fuzz.py).
    clean_content_tags={
        "script",
        "style",
        "noscript",
        "template",
        "textarea",
        "object",
        "applet",
        "marquee",
        "math",
        "iframe",
        "noembed",
        "noframes",
        "xmp",
        "plaintext",
        "frameset",
        "frame",
        "portal",
    },  # fmt: skip
    attributes={"*": GLOBAL_ATTRIBUTES, **ATTRIBUTES},
    attribute_filter=_filter,
    strip_comments=True,
    link_rel=None,  # rel="noopener" is set by the passage extension; nh3 keeps what is there
    generic_attribute_prefixes=GENERIC_PREFIXES,
    url_schemes=LINK_SCHEMES,
)


def clean(html: str) -> str:
    """`html` with only what the allowlist publishes: no element, attribute
    or address outside it survives, however it is spelled."""
    return _CLEANER.clean(html)
