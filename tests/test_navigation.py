"""The sidebar stays short; articles are found through the article index,
which filters by theme, discipline and author; previous/next follow the one
article order used everywhere (by title)."""

from __future__ import annotations

import re

import pytest

from test_indexes import articles, marks


def titles_in_order() -> list[tuple[str, str]]:
    return sorted(((m["title"], slug) for slug, m in articles().items()), key=lambda t: t[0].casefold())


def test_an_article_page_lists_no_article_in_the_sidebar_but_marks_its_section(page, base_url):
    slug = titles_in_order()[1][1]
    page.goto(base_url + f"articles/{slug}/")
    sidebar_links = page.eval_on_selector_all("nav.md-nav--primary a[href]", "as => as.map(a => a.href)")
    assert sidebar_links and not [h for h in sidebar_links if re.search(r"/articles/[\w-]+/$", h)]
    active = page.locator("nav.md-nav--primary li.md-nav__item--active a.md-nav__link").first
    assert active.inner_text().strip() == "Articles"


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
