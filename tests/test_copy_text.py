"""Copying an article's text copies the authors' words: no discipline badge,
no link mark, no theme chip rides along (kb.css makes them unselectable).

The selection is made as a reader makes it, with the mouse (a drag, and a
triple click), copied with the keyboard, and read back from the clipboard.
"""

from __future__ import annotations

import re

from kb.htmltext import visible_text

ARTICLE = "articles/is-customer-experience-new/"

# Where a drag starts and ends: the first character of a heading, and the
# last character of the authors' text of the first marked passage after it
# (before its badges and link mark), as viewport points.
POINTS = """() => {
  const skip = '.kb-disciplines, .kb-anchor, .headerlink';
  const textNodes = el => {
    const out = [], walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode())
      if (n.data.trim() && !n.parentElement.closest(skip)) out.push(n);
    return out;
  };
  const marked = document.querySelector('article p[data-disciplines]');
  let heading = marked.previousElementSibling;
  while (heading && !/^H[2-6]$/.test(heading.tagName)) heading = heading.previousElementSibling;
  heading.scrollIntoView({block: 'start'});
  const point = (node, offset, side) => {
    const r = document.createRange();
    r.setStart(node, offset); r.setEnd(node, offset + 1);
    const box = r.getBoundingClientRect();
    return [side === 'start' ? box.left + 1 : box.right - 1, box.top + box.height / 2];
  };
  const first = textNodes(heading)[0], last = textNodes(marked).pop();
  return {
    start: point(first, 0, 'start'), end: point(last, last.data.length - 1, 'end'),
    heading: heading.id, passage: marked.id,
    badges: [...marked.querySelectorAll('.kb-discipline')].map(b => b.textContent.trim()),
  };
}"""


def copied(tab) -> str:
    tab.keyboard.press("Control+C")
    return tab.evaluate("() => navigator.clipboard.readText()")


def words(text: str) -> str:
    return " ".join(text.split())


def test_copying_a_heading_and_passages_copies_only_the_authors_words(page, base_url, site):
    tab = page
    tab.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    tab.set_viewport_size({"width": 1280, "height": 1600})
    tab.goto(base_url + ARTICLE)
    at = tab.evaluate(POINTS)
    assert at["badges"], "the passage carries discipline badges"
    tab.mouse.move(*at["start"])
    tab.mouse.down()
    tab.mouse.move(*at["end"], steps=8)
    tab.mouse.up()
    text = copied(tab)

    # What the reader selected, as the page's source says it: the heading and
    # passages from one id to the other, decorations left out.
    html = (site / ARTICLE / "index.html").read_text(encoding="utf-8")
    start = html.index(f'id="{at["heading"]}"')
    start = html.rindex("<", 0, start)
    end = html.index("</p>", html.index(f'id="{at["passage"]}"')) + len("</p>")
    expected = visible_text(html[start:end], root_tag=None)
    assert words(text) == words(expected)
    assert "¶" not in text
    for badge in at["badges"]:
        assert not re.search(re.escape(badge) + r"\s*$", text), badge


def test_a_triple_clicked_passage_copies_without_its_badges(page, base_url):
    tab = page
    tab.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    tab.goto(base_url + ARTICLE)
    passage = tab.locator("article p[data-disciplines]").first
    badges = passage.locator(".kb-discipline").all_inner_texts()
    own = passage.evaluate(
        "p => { const c = p.cloneNode(true); c.querySelectorAll('.kb-disciplines, .kb-anchor').forEach(e => e.remove());"
        " return c.textContent; }"
    )
    passage.click(click_count=3, position={"x": 10, "y": 5})
    text = copied(tab)
    assert words(text) == words(own)
    assert not any(b in text for b in badges if b not in own)


def test_copying_the_article_header_leaves_the_theme_chips_out(page, base_url):
    tab = page
    tab.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    tab.goto(base_url + ARTICLE)
    tab.evaluate(
        """() => { const r = document.createRange(); r.selectNodeContents(document.querySelector('.kb-article-header'));
                   const s = getSelection(); s.removeAllRanges(); s.addRange(r); }"""
    )
    text = copied(tab)
    chips = tab.locator(".kb-chip").all_inner_texts()
    assert chips and "Dave Lewan" in text
    assert not any(chip in text for chip in chips), text
