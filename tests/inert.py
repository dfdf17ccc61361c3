"""The test's own judge of published HTML: nothing in it runs script or
loads anything from another host.

Written apart from kb/sanitise.py on purpose (another parser, Python's
html.parser, and its own short rules), so that a gap in the build's
allowlist is not also a gap in the test that checks it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements that run, embed, submit, redirect, restyle or animate.
ACTIVE = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "portal", "base", "meta", "link",
    "style", "animate", "set", "animatemotion", "animatetransform", "foreignobject", "use", "image", "noscript",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "srcset", "xlink:href", "action", "formaction", "poster", "data", "background"}
LOADS = {"src", "srcset", "poster", "data", "background"}
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


def _scheme(url: str) -> str:
    squeezed = re.sub(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\ufeff]", "", url)
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", squeezed)
    return match.group(1).lower() if match else ""


class _Judge(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.live: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ACTIVE:
            self.live.append(f"<{tag}>")
        # The print view's form-less filters are the only form on a page
        # (overrides/partials/kb/article-index.html), and it has no address.
        if tag == "form" and any(name == "action" for name, _ in attrs):
            self.live.append("<form action>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                self.live.append(f"<{tag} {name}>")
            if name in URL_ATTRIBUTES:
                urls = [u.split()[0] for u in value.split(",") if u.split()] if name == "srcset" else [value]
                for url in urls:
                    scheme = _scheme(url)
                    if scheme and scheme not in SAFE_SCHEMES:
                        self.live.append(f"<{tag} {name}={url[:30]!r}>")
                    if name in LOADS and (scheme or re.sub(r"[\x00-\x20]", "", url).startswith(("//", "\\\\"))):
                        self.live.append(f"<{tag} {name}={url[:30]!r}> loads from another host")


def live_parts(html: str) -> list[str]:
    """What in `html` could run script or load from another host."""
    judge = _Judge()
    judge.feed(html)
    judge.close()
    return judge.live
