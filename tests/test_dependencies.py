"""The fast preview (`mkdocs serve --dirty`) converts only the pages whose
source changed and writes again every other page whose cross-page parts
changed (kb/dependencies.py): each case here edits the real sources, builds
before and after (kb.pipeline), and checks which unconverted pages a preview
build would write again. The serve test (tests/test_serve.py) runs it for real."""

from __future__ import annotations

import pickle

import pytest

from kb import build, dependencies, pagecache, pipeline

TARGET = "articles/relook-at-customer-experience-with-new-lens.md"  # a passage of it is linked to
LINKING = "articles/integrate-cx-into-business-strategy.md"  # links to that passage
ELSEWHERE = "articles/customer-experience-in-the-digital-era.md"
LINKED_PASSAGE = "- Expecting overnight changes and 100 percent"
LINK_PASSAGE = "Further, companies measure success"  # opens the passage with that link


def signed(sources: dict[str, str], config) -> tuple[build.Build, dict[str, str]]:
    kb, _pages = pipeline.run_build(sources, config)
    return kb, dependencies.signatures(kb.index, config.templates, kb.index.contents)[0]


def written_again(before: dict[str, str], after: dict[str, str], config, edited: set[str]) -> set[str]:
    """The pages a preview build that converted only `edited` writes again."""
    _, old = signed(before, config)
    _, new = signed(after, config)
    return dependencies.stale(old, new, set(after) - edited)


@pytest.fixture(scope="module")
def unchanged(base_sources, config):
    _, signatures = signed(base_sources, config)
    return signatures


def test_a_rebuild_with_nothing_changed_writes_nothing_again(base_sources, config, unchanged):
    _, again = signed(base_sources, config)
    assert again == unchanged
    assert dependencies.stale(unchanged, again, set(base_sources)) == set()


def test_an_edit_to_a_linking_sentence_rewrites_the_backlinks_of_the_page_it_links_to(base_sources, config):
    after = dict(base_sources)
    after[LINKING] = after[LINKING].replace(LINK_PASSAGE, "Moreover, companies measure success", 1)
    assert after[LINKING] != base_sources[LINKING]
    again = written_again(base_sources, after, config, {LINKING})
    assert TARGET in again  # its "Linked from" excerpt opens with those words
    assert ELSEWHERE not in again  # shows nothing of that sentence


def test_removing_a_passage_another_page_links_to_rewrites_that_page(base_sources, config):
    after = dict(base_sources)
    lines = after[TARGET].split("\n")
    after[TARGET] = "\n".join(line for line in lines if not line.startswith(LINKED_PASSAGE))
    assert after[TARGET] != base_sources[TARGET]
    again = written_again(base_sources, after, config, {TARGET})
    assert LINKING in again  # written again, so the link check reports its broken link
    assert "glossary.md" in again or "disciplines.md" in again  # "appears in", the discipline index


def test_a_new_title_rewrites_its_theme_pages_and_listings(base_sources, config):
    after = dict(base_sources)
    after[TARGET] = after[TARGET].replace(
        "title: Relook at Customer Experience with New Lens", "title: A Relook at Customer Experience", 1
    )
    again = written_again(base_sources, after, config, {TARGET})
    for theme in ("culture", "measurement", "omnichannel"):
        assert f"themes/{theme}.md" in again
    assert "articles/index.md" in again
    # Five articles: every page's menu lists them all (navigation.WINDOW), this title too.
    assert again == set(base_sources) - {TARGET}


def test_a_new_article_rewrites_every_page_whose_menu_counts_it(base_sources, config):
    after = dict(base_sources)
    after["articles/a-new-article.md"] = (
        "---\ntitle: A New Article\nauthor: Someone\nthemes: [journey]\n---\n\n"
        "A new article about the customer journey, long enough to be a passage of its own.\n"
        '{ disciplines="design" }\n'
    )
    again = written_again(base_sources, after, config, {"articles/a-new-article.md"})
    assert again == set(base_sources)  # "All 6 articles" in every page's menu


def test_a_page_is_converted_again_when_what_converting_depends_on_changed(base_sources, config):
    kb, _ = pipeline.run_build(base_sources, config)
    later = build.Build(settings=dict(kb.settings), previous=kb)
    later.start(base_sources)
    present = {src: True for src in base_sources}
    assert not later.must_convert(LINKING, present.get)
    # A file its links point at is gone: only converting it reports the broken link.
    kb.conversions[LINKING] = pagecache.Conversion(
        key="k", html="", toc=[], title=None, anchors=frozenset(), links_to_anchors={}, record=kb.records[LINKING],
        problems=(), targets=frozenset({TARGET}),
    )  # fmt: skip
    assert not later.must_convert(LINKING, present.get)
    assert later.must_convert(LINKING, {**present, TARGET: False}.get)
    # A glossary definition changed: every article's term tooltips may have.
    edited = dict(base_sources)
    edited["glossary.md"] = edited["glossary.md"].replace("in short cycles", "in short, frequent cycles", 1)
    assert edited["glossary.md"] != base_sources["glossary.md"]
    redefined = build.Build(settings=dict(kb.settings), previous=kb)
    redefined.start(edited)
    assert redefined.must_convert(ELSEWHERE, present.get)


# -- problems from one preview build to the next ----------------------------------------------

ADAPTING = "articles/can-we-afford-to-miss-customer-experience.md"
ADAPTING_OPENS = "The truth is that adapting"  # its paragraph holds the only uses of Agile and Lean
ADAPTING_TITLE = "title: Can We Afford to Miss Customer Experience?"
# Edits to ADAPTING that a site-wide check reports on a page the preview does
# not convert: (edit, the page's file, what is reported there).
BREAKING = {
    "a glossary term no article uses": (
        lambda text: "\n".join(line for line in text.split("\n") if not line.startswith(ADAPTING_OPENS)),
        "docs/glossary.md",
        ["the term 'Agile' occurs in no article.", "the term 'Lean' occurs in no article."],
    ),
    "a duplicate title": (
        lambda text: text.replace(ADAPTING_TITLE, "title: Is Customer Experience New?", 1),
        "docs/articles/is-customer-experience-new.md",
        ["the title 'Is Customer Experience New?' is already the title of docs/" + ADAPTING],
    ),
}


def reported(kb: build.Build) -> list[str]:
    return sorted(str(p) for p in kb.problems)


@pytest.mark.parametrize("edit", BREAKING)
def test_undoing_an_edit_that_broke_a_site_wide_check_clears_its_problems(base_sources, config, edit):
    """Preview builds (--dirty) that convert only the edited article: the
    failed one reports the problem on a page it does not convert, the one
    after undoing the edit reports nothing. The site-wide checks run again on
    every build, so what they found is not carried on to the next."""
    change, file, whats = BREAKING[edit]
    first, _ = pipeline.run_build(base_sources, config)
    assert reported(first) == []
    broken = dict(base_sources)
    broken[ADAPTING] = change(broken[ADAPTING])
    assert broken[ADAPTING] != base_sources[ADAPTING]
    failed, _ = pipeline.run_build(broken, config, previous=first, convert={ADAPTING})
    found = [p.what for p in failed.problems if p.file == file]
    assert len(found) == len(whats) and all(f.startswith(w) for f, w in zip(found, whats, strict=True)), found
    restored, _ = pipeline.run_build(base_sources, config, previous=failed, convert={ADAPTING})
    assert reported(restored) == []
    again, _ = pipeline.run_build(base_sources, config, previous=restored, convert=set())
    assert reported(again) == []


def test_a_page_a_preview_build_does_not_convert_keeps_its_own_problems_until_fixed(base_sources, config):
    """A page's front matter is read, and its blocks rendered, only when it
    is converted or written again: preview builds that convert other pages
    still report what was wrong with it, the one that converts the repaired
    page does not."""
    bad = dict(base_sources)
    bad[ELSEWHERE] = bad[ELSEWHERE].replace("themes: [journey, culture]", "themes: [journey, culure]", 1)
    bad["index.md"] = bad["index.md"].replace("<!-- kb:theme-list -->", "<!-- kb:theme-articles nosuch -->", 1)
    assert bad[ELSEWHERE] != base_sources[ELSEWHERE] and bad["index.md"] != base_sources["index.md"]
    first, _ = pipeline.run_build(bad, config)
    problems = reported(first)
    assert len(problems) == 2, problems
    themes_at = 1 + bad[ELSEWHERE].split("\n").index("themes: [journey, culure]")
    block_at = 1 + bad["index.md"].split("\n").index("<!-- kb:theme-articles nosuch -->")
    assert f"docs/{ELSEWHERE}:{themes_at}: unknown theme 'culure'" in problems[0]
    assert f"docs/index.md:{block_at}: '<!-- kb:theme-articles nosuch -->' names no known theme" in problems[1]
    other = dict(bad)
    other[LINKING] = other[LINKING].replace(LINK_PASSAGE, "Moreover, companies measure success", 1)
    second, _ = pipeline.run_build(other, config, previous=first, convert={LINKING})
    assert reported(second) == problems
    third, _ = pipeline.run_build(other, config, previous=second, convert=set())
    assert not {ELSEWHERE, "index.md"} & (third.rebuilt | third.stale), "neither written again: both carried on"
    assert reported(third) == problems
    fixed = dict(other)
    fixed[ELSEWHERE], fixed["index.md"] = base_sources[ELSEWHERE], base_sources["index.md"]
    fourth, _ = pipeline.run_build(fixed, config, previous=third, convert={ELSEWHERE, "index.md"})
    assert reported(fourth) == []


def test_a_preview_build_lists_what_it_takes_from_the_last_in_a_full_builds_order(base_sources, config):
    """The pages a preview build does not convert are taken from the build
    before; the backlinks and the glossary's "appears in" come out in the
    order a full build gives (seen: another order, so pages written again
    for nothing)."""
    first, _ = pipeline.run_build(base_sources, config)
    preview, _ = pipeline.run_build(base_sources, config, previous=first, convert={ADAPTING})
    assert list(preview.records) == list(first.records)
    assert dict(preview.index.backlinks) == dict(first.index.backlinks)
    assert preview.index.backlinks.keys() and all(
        list(preview.index.backlinks[k]) == list(first.index.backlinks[k]) for k in first.index.backlinks
    )


def test_the_related_ranking_is_kept_on_disk_until_a_profile_changes(base_sources, config, tmp_path, monkeypatch):
    """A warm rebuild (a new process, `.cache/` kept) takes the last build's
    ranking of related articles when no article's profile changed."""
    from kb import related

    settings = {"cache_dir": tmp_path, "code": "test"}
    first, _ = pipeline.run_build(base_sources, config, settings)
    assert list(tmp_path.glob("kb-related-*.pickle"))

    def not_again(profiles):
        raise AssertionError("ranked again")

    monkeypatch.setattr(related, "rank", not_again)
    again, _ = pipeline.run_build(base_sources, config, settings)
    assert dict(again.index.related) == dict(first.index.related)
    # An article that now links to another changes both profiles: ranked again.
    changed = dict(base_sources)
    changed[ELSEWHERE] = changed[ELSEWHERE] + "\n\nSee [a passage](relook-at-customer-experience-with-new-lens.md).\n"
    with pytest.raises(AssertionError, match="ranked again"):
        pipeline.run_build(changed, config, settings)


def test_a_kept_conversion_damaged_inside_is_converted_again(tmp_path):
    """A changed byte that still unpickles would publish other words than
    the source's; a changed frame length made the unpickler ask for 2**62
    bytes (MemoryError, a traceback). Either way: no kept conversion."""
    store = pagecache.Store(tmp_path)
    store.put("k", pagecache.Conversion(
        key="k", html="<p>the page as it was converted</p>", toc=[], title=None, anchors=frozenset(),
        links_to_anchors={}, record=None, problems=(), targets=frozenset(),
    ))  # fmt: skip
    assert store.get("k").html == "<p>the page as it was converted</p>"
    (kept,) = tmp_path.glob("*.pickle")
    good = kept.read_bytes()
    kept.write_bytes(good.replace(b"as it was", b"as if was"))
    assert pagecache.Store(tmp_path).get("k") is None
    frame = good.index(b"\x80" + bytes([pickle.HIGHEST_PROTOCOL]) + b"\x95") + 3
    kept.write_bytes(good[:frame] + (2**62).to_bytes(8, "little") + good[frame + 8 :])
    assert pagecache.Store(tmp_path).get("k") is None


def test_a_preview_writes_a_page_with_the_blocks_rendered_to_sign_it(base_sources, config, monkeypatch):
    """A preview build renders a page's blocks once: to sign it (what it shows
    of the other pages), and the page is written with that rendering, what
    it found reported once, with its line; the page is what a full build
    writes."""
    from kb import render

    page = "themes/index.md"
    edited = dict(base_sources)
    edited[page] = edited[page].replace("<!-- kb:theme-list -->", "<!-- kb:theme-articles nosuch -->", 1)
    assert edited[page] != base_sources[page]
    first, _ = pipeline.run_build(base_sources, config)
    full, full_pages = pipeline.run_build(edited, config)
    calls: list[str] = []
    real = render.render_page
    monkeypatch.setattr(render, "render_page", lambda *a: calls.append(a[3]) or real(*a))
    preview, pages = pipeline.run_build(edited, config, previous=first, convert={page})
    assert calls.count(page) == 1
    assert pages[page] == full_pages[page]
    found = [str(p) for p in preview.problems if "nosuch" in p.what]
    assert found == [str(p) for p in full.problems if "nosuch" in p.what]
    assert len(found) == 1 and found[0].startswith("docs/themes/index.md:12: '<!-- kb:theme-articles nosuch -->'")


def test_a_preview_does_not_sanitise_again_a_page_rendered_to_the_same_html(base_sources, config, monkeypatch):
    """The print views are converted by every build: a preview build that
    renders one to the HTML of the build before takes that build's
    sanitised content instead of sanitising it again; what it writes is a
    full build's page."""
    from kb import sanitise

    first, _ = pipeline.run_build(base_sources, config)
    second, _ = pipeline.run_build(base_sources, config, previous=first, convert=set())
    prints = [src for src in second.generated if src in second.cleaned]
    assert prints, "the print views are written by every preview build"
    cleaned: list[str] = []
    real = sanitise.clean
    monkeypatch.setattr(sanitise, "clean", lambda html, *a, **k: cleaned.append(html) or real(html, *a, **k))
    third, pages = pipeline.run_build(base_sources, config, previous=second, convert=set())
    # Their blocks too are taken as the last build rendered them (render.Reuse):
    # not even the articles' bodies in them are sanitised again.
    assert cleaned == []
    for src in prints:
        assert pages[src] == second.cleaned[src][1] == third.cleaned[src][1]
    monkeypatch.setattr(sanitise, "clean", real)
    _, full = pipeline.run_build(base_sources, config)
    assert all(pages[src] == full[src] for src in prints)


# -- a preview build signs again only the pages an edit can reach ---------------------------


def _many(base_sources) -> dict[str, str]:
    """The real sources and 40 synthetic articles, each linking to a passage of the one before."""
    from kb.passages import passage_id
    from kb.tools import synthetic

    plan = synthetic.plan(40)
    first = {a.slug: passage_id(a.paragraphs[0]) for a in plan}
    return {**base_sources, **{f"articles/{a.slug}.md": synthetic.markdown(a, first) for a in plan}}


# Linked from synthetic-0005 (which it does not list among its related articles), links
# to synthetic-0003, and listed among the related articles of 0003, 0012, 0016 and 0034.
SYN = "articles/synthetic-0004.md"
LINKS_TO_SYN = "articles/synthetic-0005.md"


def _first_paragraph(text: str) -> str:
    return next(line for line in text.split("\n")[6:] if line.strip())


# Edits: sources -> the edited pages' new sources.
EDITS = {
    "a word added to a paragraph": lambda s: {SYN: s[SYN].replace(" ", " indeed ", 1)},
    "the linking sentence edited": lambda s: {SYN: s[SYN].replace("[Previous synthetic", "[The previous synthetic", 1)},
    "the passage that links to it edited": lambda s: {
        LINKS_TO_SYN: s[LINKS_TO_SYN].replace(
            _first_paragraph(s[LINKS_TO_SYN]), "Indeed, " + _first_paragraph(s[LINKS_TO_SYN]), 1
        )
    },
    "the linked passage removed": lambda s: {SYN: s[SYN].replace(_first_paragraph(s[SYN]) + "\n", "", 1)},
    "a new description": lambda s: {SYN: s[SYN].replace('description: "Generated', 'description: "Made', 1)},
    "other themes": lambda s: {SYN: s[SYN].replace("themes: [", "themes: [omnichannel, ", 1)},
    "a discipline mark changed": lambda s: {SYN: s[SYN].replace('disciplines="', 'disciplines="live ', 1)},
    "a new link to another article": lambda s: {
        "articles/synthetic-0020.md": s["articles/synthetic-0020.md"] + "\nSee [that one](synthetic-0030.md) too.\n"
    },
    "a linked passage of a real article edited": lambda s: {
        TARGET: s[TARGET].replace(LINKED_PASSAGE, LINKED_PASSAGE + " indeed", 1)
    },
    "a word emphasised (the print views show the page, not only its passages' text)": lambda s: {
        SYN: s[SYN].replace(" customer ", " *customer* ", 1)
    },
    "a new title": lambda s: {
        SYN: s[SYN].replace("title: Synthetic article 0004", "title: Synthetic article 0004b", 1)
    },
    "a new article": lambda s: {"articles/zz-new.md": s["articles/synthetic-0005.md"].replace("0005", "9005")},
    "a glossary definition": lambda s: {
        "glossary.md": s["glossary.md"].replace("in short cycles", "in short, frequent cycles", 1)
    },
}


@pytest.mark.parametrize("edit", EDITS)
def test_a_preview_build_signs_and_writes_what_signing_every_page_gives(base_sources, config, edit):
    """A preview build signs again only the pages the edit can reach
    (dependencies.affected) and keeps the other digests: after each edit,
    and after undoing it, its digests, the pages it writes again and their
    HTML are those of signing every page, and of a full build."""
    sources = _many(base_sources)
    first, _ = pipeline.run_build(sources, config)
    warm, _ = pipeline.run_build(sources, config, previous=first, convert=set())  # a preview before the edit
    changes = EDITS[edit](sources)
    assert all(sources.get(src) != text for src, text in changes.items()), "the edit changes its pages"
    edited = {**sources, **changes}
    before = warm
    for after, convert in ((edited, set(changes)), (sources, set(changes))):
        if "glossary.md" in changes:  # what converting depends on changed: every page is converted
            convert = set(after)
        preview, pages = pipeline.run_build(after, config, previous=before, convert=convert)
        signed = {src: html for src, html in preview.index.contents.items() if src not in preview.generated}
        every = dependencies.signatures(preview.index, config.templates, signed)[0]
        assert preview.signatures == every
        assert preview.stale == dependencies.stale(before.signatures, every, set(after) - convert)
        whole, full = pipeline.run_build(after, config)
        assert set(pages) == preview.rebuilt | preview.stale
        assert pages == {src: full[src] for src in pages}
        assert sorted(map(str, preview.problems)) == sorted(map(str, whole.problems))
        before = preview


def test_a_block_the_last_build_rendered_reports_its_problem_where_the_page_has_it_now(base_sources, config):
    """A preview build takes a block as the last one rendered it (render.Reuse),
    but not on a page whose source changed: what the block reports names its line."""
    bad = dict(base_sources)
    bad["index.md"] = bad["index.md"].replace("<!-- kb:theme-list -->", "<!-- kb:theme-articles nosuch -->", 1)
    assert bad["index.md"] != base_sources["index.md"]
    first, _ = pipeline.run_build(bad, config)
    warm, _ = pipeline.run_build(bad, config, previous=first, convert=set())
    moved = dict(bad)
    moved["index.md"] = moved["index.md"].replace("\n# ", "\nA line above.\n\n# ", 1)
    assert moved["index.md"] != bad["index.md"]
    preview, _ = pipeline.run_build(moved, config, previous=warm, convert={"index.md"})
    whole, _ = pipeline.run_build(moved, config)
    found = [str(p) for p in preview.problems if "nosuch" in p.what]
    assert found == [str(p) for p in whole.problems if "nosuch" in p.what] and len(found) == 1
    assert found != [str(p) for p in first.problems if "nosuch" in p.what], "the line moved"


def test_a_preview_renders_again_only_the_print_views_that_show_the_edited_article(base_sources, config, monkeypatch):
    """The print views are converted by every build, to the same records: a
    preview build takes each one's block as the last build rendered it
    unless the view shows an edited article whole (render.Reuse); what it
    writes is a full build's page."""
    import dataclasses

    from kb import render

    monkeypatch.setattr(render, "PRINT_ARTICLES", 3)  # each view shows its first three articles whole
    sources = _many(base_sources)
    first, _ = pipeline.run_build(sources, config)
    warm, _ = pipeline.run_build(sources, config, previous=first, convert=set())
    themes = [t.id for t in warm.index.themes]
    shown = {t: [a.src_uri for a in warm.index.articles_with_theme(t)[:3]] for t in themes}
    calls: list[str] = []
    real = render.BLOCKS["theme-print"]
    counting = dataclasses.replace(real, function=lambda ctx: calls.append(ctx.arg) or real.function(ctx))
    monkeypatch.setitem(render.BLOCKS, "theme-print", counting)
    for edited in (SYN, shown["journey"][0]):
        calls.clear()
        head, body = sources[edited].split("\n---\n", 1)
        after = {
            **sources,
            edited: head + "\n---\n" + body.replace(" customer ", " client ", 1),
        }  # not its front matter
        assert after[edited] != sources[edited]
        preview, pages = pipeline.run_build(after, config, previous=warm, convert={edited})
        assert sorted(calls) == sorted(t for t in themes if edited in shown[t])
        _, full = pipeline.run_build(after, config)
        assert pages == {src: full[src] for src in pages}
    assert SYN not in {src for t in themes for src in shown[t]}, "an article no view shows whole"


def test_a_page_converted_again_to_an_equal_record_has_not_changed(base_sources, config):
    """`mkdocs serve` converts the print views on every build, to new but
    equal records: they are no change (their blocks are taken again)."""
    import copy
    import dataclasses

    kb, _ = pipeline.run_build(base_sources, config)
    records = {src: copy.deepcopy(record) for src, record in kb.index.records.items()}
    articles = {src: copy.deepcopy(article) for src, article in kb.index.articles.items()}
    again = dataclasses.replace(kb.index, records=records, articles=articles)
    assert dependencies.changed_since(kb.index, again) == set()
    records[TARGET] = dataclasses.replace(records[TARGET], word_count=records[TARGET].word_count + 1)
    assert dependencies.changed_since(kb.index, again) == {TARGET}
