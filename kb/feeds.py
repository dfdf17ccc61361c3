"""The site's two RSS feeds, written from the build's own records.

    feed_rss_created.xml   new articles: newest first publication first
    feed_rss_updated.xml   updated articles: newest change first (git history)

One source of truth: titles, descriptions, authors and themes come from the
articles' front matter as the build validated it (kb/articles.py), the
addresses from the site index, the dates from front matter and from the one
`git log` of kb/gitdates.py. The file names are those the site has published
since its first feed (an address, once published, stays).

What a feed reader gets, per RSS 2.0 and its usual extensions:
- a channel title of its own per feed, the site's address, its description,
  `atom:link rel="self"`, and `lastBuildDate` from the newest item (not the
  clock: the same sources give the same bytes);
- per item: the title, the article's address (also the guid of a new
  article; an update's guid adds its date, so a reader shows each update),
  the description, the author's name in `dc:creator` (RSS's `<author>` is an
  e-mail address), the themes' titles as categories, and `pubDate`:
  - new articles: `published`, else `added` (front matter), else the day
    the file was first committed; an article with none of them comes last,
    undated;
  - updated articles: the author date of the last commit that changed the
    article; an article with no history (a copy outside git) is left out.

Front matter is text: it is written as XML text (escaped by ElementTree),
and the description, which feed readers read as HTML, is escaped as HTML
first, so `<b>` shows as written. Characters XML 1.0 cannot carry (control
characters, lone surrogates) are dropped, and line ends are written as XML
reads them back (\\n), so no input stops the feed.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urljoin

from .articles import Article
from .gitdates import History

CREATED = "feed_rss_created.xml"
UPDATED = "feed_rss_updated.xml"
LENGTH = 20  # items per feed: a feed is news, the article index is the archive
ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/elements/1.1/"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Feed:
    file: str
    title: str  # after the site's name: "CX Knowledge Base: new articles"
    about: str


FEEDS = (
    Feed(CREATED, "new articles", "The newest articles, by date of first publication."),
    Feed(UPDATED, "updated articles", "Articles as they change, newest change first."),
)


def links(site_name: str) -> list[dict[str, str]]:
    """What every page's head announces (overrides/main.html)."""
    return [{"href": f.file, "title": f"{site_name}: {f.title}"} for f in FEEDS]


def write(
    site_dir: Path,
    site_url: str,
    site_name: str,
    articles: Mapping[str, Article],
    urls: Mapping[str, str],
    theme_titles: Mapping[str, str],
    history: History,
) -> None:
    """Write both feeds into `site_dir`."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    created = []
    for src, article in articles.items():
        if isinstance(first := article.published or article.added, dt.date):
            when = dt.datetime.combine(first, dt.time(), dt.UTC)
        elif when := history.added.get(src):
            when = when.astimezone(dt.UTC)
        created.append((when, article, src, None))
    updated = []
    for src, article in articles.items():
        if when := history.updated.get(src):
            when = when.astimezone(dt.UTC)
            updated.append((when, article, src, when))
    for feed, items in zip(FEEDS, (created, updated), strict=True):
        items.sort(key=lambda i: (i[0] is not None, i[0] or _EPOCH, _text(i[1].title).casefold()), reverse=True)
        # Addresses for the items the feed keeps only (a big site has thousands of articles).
        newest = [(when, article, urljoin(base, urls[src]), update) for when, article, src, update in items[:LENGTH]]
        channel = _channel(feed, base, site_name, newest, theme_titles)
        tree = ET.ElementTree(channel)
        ET.indent(tree)
        with open(site_dir / feed.file, "wb") as out:
            tree.write(out, encoding="utf-8", xml_declaration=True)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _channel(feed: Feed, base: str, site_name: str, items: list, theme_titles: Mapping[str, str]) -> ET.Element:
    ET.register_namespace("atom", ATOM)
    ET.register_namespace("dc", DC)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    _add(channel, "title", f"{site_name}: {feed.title}")
    _add(channel, "link", base)
    _add(channel, "description", html.escape(_text(feed.about)))
    ET.SubElement(channel, f"{{{ATOM}}}link", {"href": base + feed.file, "rel": "self", "type": "application/rss+xml"})
    _add(channel, "language", "en")
    dates = [when for when, *_ in items if when is not None]
    if dates:
        _add(channel, "lastBuildDate", format_datetime(max(dates)))
    for when, article, url, update in items:
        item = ET.SubElement(channel, "item")
        _add(item, "title", article.title)
        _add(item, "link", url)
        if update is None:
            ET.SubElement(item, "guid", {"isPermaLink": "true"}).text = url
        else:
            ET.SubElement(item, "guid", {"isPermaLink": "false"}).text = f"{url}#updated-{update.isoformat()}"
        _add(item, "description", html.escape(_text(article.description)))
        if article.author:
            _add(item, f"{{{DC}}}creator", article.author)
        for theme in article.themes:
            _add(item, "category", theme_titles.get(theme, theme))
        if when is not None:
            _add(item, "pubDate", format_datetime(when))
    return rss


def _add(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = _text(text)
    return element


def _text(value) -> str:
    """Front matter as XML 1.0 can carry it (which reads every line end as \\n)."""
    return _NOT_XML.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")
