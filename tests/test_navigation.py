"""The sidebar stays short; articles are found through the article index,
which filters by theme, discipline and author; previous/next follow the one
article order used everywhere (by title)."""

from __future__ import annotations

import re

import pytest

from kb import navigation

from test_indexes import articles, marks


def titles_in_order() -> list[tuple[str, str]]:
    return sorted(((m["title"], slug) for slug, m in articles().items()), key=lambda t: t[0].casefold())


def test_an_article_page_lists_a_few_articles_in_the_sidebar_and_marks_its_section(page, base_url):
    """On a desktop the sidebar stays short: a window of articles around the
    one being read (it among them, marked current) and a link to all of them."""
    order = titles_in_order()
    slug = order[1][1]
    page.goto(base_url + f"articles/{slug}/")
    sidebar_links = page.eval_on_selector_all("nav.md-nav--primary a[href]", "as => as.map(a => a.href)")
    listed = [h for h in sidebar_links if re.search(r"/articles/[\w-]+/$", h)]
    assert base_url + f"articles/{slug}/" in listed
    assert len(set(listed)) <= navigation.WINDOW
    active = page.locator("nav.md-nav--primary li.md-nav__item--active a.md-nav__link").first
    assert active.inner_text().strip() == "Articles"
    current = page.locator("nav.md-nav--primary a.md-nav__link--active", has_text=order[1][0]).first
    assert current.evaluate("a => a.href") == base_url + f"articles/{slug}/", "the article itself is marked current"
    everything = page.get_by_role("link", name=f"All {len(order)} articles")
    assert everything.first.evaluate("a => a.href") == base_url + "articles/"


# The entries of the phone menu a person sees: on screen, and not covered
# (the page being read is a label that opens its table of contents).
SEEN_MENU_LINKS = """() => [...document.querySelectorAll('nav.md-nav--primary .md-nav__link:is(a, label)')].filter(a => {
    const r = a.getBoundingClientRect();
    if (r.width === 0 || r.bottom < 0 || r.top > innerHeight || r.right < 0 || r.left > innerWidth) return false;
    const x = Math.min(r.left + 8, innerWidth - 1), y = Math.min(r.top + r.height / 2, innerHeight - 1);
    const hit = document.elementFromPoint(x, y);
    return hit !== null && a.contains(hit);
  }).map(a => [a.textContent.replace(/\\s+/g, ' ').trim(), a.getAttribute('href')])"""


def open_menu(tab) -> list[list[str]]:
    """Tap the menu button; wait until the menu has slid in (one of its entries
    is on top at its place); return the (text, href) of the entries seen."""
    tab.locator("label.md-header__button[for=__drawer]").tap()
    tab.wait_for_function(f"() => document.getElementById('__drawer').checked && ({SEEN_MENU_LINKS})().length > 0")
    # Wait for the slide to end: the same links seen twice in a row, a frame apart.
    tab.wait_for_function(
        f"""() => new Promise(done => {{
            const before = JSON.stringify(({SEEN_MENU_LINKS})());
            requestAnimationFrame(() => requestAnimationFrame(() =>
                done(before === JSON.stringify(({SEEN_MENU_LINKS})()) && !document.getAnimations().length)));
        }})"""
    )
    return tab.evaluate(SEEN_MENU_LINKS)


def test_the_phone_menu_on_an_article_lists_articles_and_leads_to_all_of_them(phone, base_url):
    """A phone's menu opens on the section of the page being read: on an
    article, the Articles panel must list articles (it was empty), the one
    being read among them, and lead to the index of all of them; after an
    instant navigation (site_url is the served address), the same."""
    order = titles_in_order()
    tab = phone
    tab.goto(base_url + f"articles/{order[0][1]}/")
    seen = open_menu(tab)
    texts = [text for text, _ in seen]
    assert order[0][0] in texts, texts
    assert [t for t, _ in order if t in texts] == [t for t in texts if t in dict(order)], "in title order"
    assert f"All {len(order)} articles" in texts
    # To the next article from the menu: an instant navigation, not a reload.
    tab.evaluate("() => { window.__kb_same_document = true; }")
    menu = tab.locator("nav.md-nav--primary")
    menu.get_by_role("link", name=order[1][0], exact=True).tap()
    tab.wait_for_url(f"**/articles/{order[1][1]}/")
    tab.wait_for_function("() => !document.getElementById('__drawer').checked")
    assert tab.evaluate("() => window.__kb_same_document === true"), "instant navigation is on"
    texts = [text for text, _ in open_menu(tab)]
    assert order[1][0] in texts and f"All {len(order)} articles" in texts, texts
    menu.get_by_role("link", name=f"All {len(order)} articles").tap()
    tab.wait_for_url(base_url + "articles/")
    tab.wait_for_selector(".kb-index[data-kb-ready]")
    assert tab.locator(".kb-index .kb-article-list > li").count() == len(order)


def test_the_phone_menu_on_the_article_index_is_not_empty(phone, base_url):
    tab = phone
    tab.goto(base_url + "articles/")
    texts = [text for text, _ in open_menu(tab)]
    order = titles_in_order()
    assert sum(t in texts for t, _ in order) == min(len(order), navigation.WINDOW), texts


def test_the_menu_lists_the_same_few_articles_at_any_size():
    """The window is bounded: at 1000 articles no page lists more than WINDOW
    of them, each article page lists itself, and the link to all of them."""
    from types import SimpleNamespace

    def page(src):
        return SimpleNamespace(is_page=True, file=SimpleNamespace(src_uri=src), url=src[:-3] + "/", is_index=False)

    index = SimpleNamespace(
        is_page=True, file=SimpleNamespace(src_uri="articles/index.md"), url="articles/", is_index=True
    )
    articles = [page(f"articles/a{i:04}.md") for i in range(1000)]
    section = SimpleNamespace(children=[index, *articles])
    (emptied,) = navigation.articles_out_of_sidebar([section])
    assert emptied is section and section.children == [index]
    menu = navigation.ArticlesMenu(section, articles, lambda title, url: SimpleNamespace(title=title, url=url))
    for at in (0, 1, 2, 500, 997, 998, 999):
        menu.show(articles[at])
        shown = section.children[1:-1]
        assert len(shown) == navigation.WINDOW and articles[at] in shown
        assert shown == articles[articles.index(shown[0]) : articles.index(shown[0]) + navigation.WINDOW]
        assert section.children[0] is index and "All 1000 articles" in section.children[-1].title
        assert section.children[-1].url == "articles/"
    menu.show(None)
    assert section.children[1:-1] == articles[: navigation.WINDOW]
    few = SimpleNamespace(children=[index, *articles[:2]])
    navigation.articles_out_of_sidebar([few])
    small = navigation.ArticlesMenu(few, articles[:2], lambda title, url: SimpleNamespace(title=title, url=url))
    small.show(articles[1])
    assert few.children[1:-1] == articles[:2] and "All 2 articles" in few.children[-1].title


def test_previous_and_next_follow_the_title_order(page, base_url):
    order = titles_in_order()
    for (prev_title, _), (_, slug), (next_title, _) in zip(order, order[1:], order[2:], strict=False):
        page.goto(base_url + f"articles/{slug}/")
        assert page.locator("a.md-footer__link--prev").get_attribute("aria-label") == f"Previous: {prev_title}"
        assert page.locator("a.md-footer__link--next").get_attribute("aria-label") == f"Next: {next_title}"


def shown(page) -> set[str]:
    return set(
        page.eval_on_selector_all(
            ".kb-index .kb-article-list > li:not([hidden]) > a",
            "as => as.map(a => a.getAttribute('href').replace(/\\/$/, '').split('/').pop())",
        )
    )


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_article_index_filters_by_theme_discipline_author_and_words(request, base_url, device):
    page = request.getfixturevalue("phone" if device == "phone" else "page")
    page.goto(base_url + "articles/")
    page.wait_for_selector(".kb-index[data-kb-ready] .kb-index__filters:not([hidden])")
    metas = articles()
    assert shown(page) == set(metas)

    page.select_option(".kb-index select[name=theme]", "omnichannel")
    page.wait_for_function(
        "n => document.querySelector('.kb-index').dataset.kbShown == n",
        arg=str(sum("omnichannel" in m["themes"] for m in metas.values())),
    )
    assert shown(page) == {s for s, m in metas.items() if "omnichannel" in m["themes"]}
    page.select_option(".kb-index select[name=theme]", "")

    author = next(m["author"] for m in metas.values() if m.get("author"))
    page.select_option(".kb-index select[name=author]", author)
    page.wait_for_function("() => document.querySelector('.kb-index').dataset.kbShown == '1'")
    assert shown(page) == {s for s, m in metas.items() if m.get("author") == author}
    assert "1 of 5 articles" in page.inner_text(".kb-index__count")
    page.select_option(".kb-index select[name=author]", "")

    page.fill(".kb-index input[name=words]", "digital era")
    page.wait_for_function("() => document.querySelector('.kb-index').dataset.kbShown == '1'")
    assert shown(page) == {s for s, m in metas.items() if "Digital Era" in m["title"]}


def test_a_discipline_link_opens_the_index_filtered_by_it(page, base_url, site):
    discipline, slugs = next(iter(marks().items()))
    page.goto(base_url + f"articles/?discipline={discipline}")
    page.wait_for_selector(".kb-index[data-kb-ready]")
    assert page.input_value(".kb-index select[name=discipline]") == discipline
    assert shown(page) == set(slugs)


def test_previous_and_next_with_no_article_to_order():
    """A preview rebuild that changed nothing (`mkdocs build --dirty`) orders
    no article: nothing to link, and no error (it used to raise in zip)."""
    from kb import navigation

    navigation.link_neighbours({}, [])
    navigation.link_neighbours({}, ["articles/not-built.md"])
