"""pagecache.Shelf: what a build keeps of each article between builds (the
Markdown twins, kb/assistants.py), in one file read a value at a time."""

from __future__ import annotations

from kb import pagecache


def signature(value):
    return value[0]


def shelf_with(path, values: dict) -> pagecache.Shelf:
    shelf = pagecache.Shelf(path, signature)
    for key, value in values.items():
        shelf[key] = value
    shelf.save()
    return pagecache.Shelf(path, signature)


def test_a_saved_shelf_gives_back_each_value_read_again(tmp_path):
    path = tmp_path / "kept.pickle"
    values = {f"articles/{n}.md": (f"made from {n}", "x" * n, [n]) for n in range(50)}
    shelf = shelf_with(path, values)
    assert set(shelf) == set(values) and len(shelf) == 50
    for key, value in reversed(values.items()):
        assert shelf.get(key) == value and shelf[key] == value
    assert shelf.get("articles/none.md") is None and "articles/none.md" not in shelf
    shelf.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.pickle"]  # nothing left beside it


def test_values_set_as_the_file_holds_them_write_nothing(tmp_path):
    path = tmp_path / "kept.pickle"
    shelf = shelf_with(path, {"a": ("1", "one"), "b": ("2", "two")})
    before = path.stat()
    shelf["a"] = shelf.get("a")
    shelf["b"] = ("2", "the same signature: taken as the same value")
    assert not shelf.changed()
    shelf.save()
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert pagecache.Shelf(path, signature).get("b") == ("2", "two")


def test_a_changed_new_or_removed_value_is_saved_and_older_files_removed(tmp_path):
    path = tmp_path / "kb-twins-new.pickle"
    older = tmp_path / "kb-twins-old.pickle"
    older.write_bytes(b"an earlier code's")
    shelf = pagecache.Shelf(path, signature, others="kb-twins-*.pickle")
    for key in "abc":
        shelf[key] = (key, key * 3)
    shelf["a"] = ("a2", "set again before the next key")
    shelf.save()
    assert not older.exists()
    shelf = pagecache.Shelf(path, signature, others="kb-twins-*.pickle")
    assert shelf.get("a") == ("a2", "set again before the next key")
    shelf["b"] = ("b2", "changed")
    assert shelf.get("b") == ("b2", "changed")
    shelf["d"] = ("d", "new")
    assert shelf.get("b") == ("b2", "changed")  # read back from the file being written
    del shelf["c"]
    assert "c" not in shelf and shelf.get("c") is None and set(shelf) == {"a", "b", "d"}
    shelf.save()
    again = pagecache.Shelf(path, signature)
    assert {key: again.get(key) for key in again} == {
        "a": ("a2", "set again before the next key"),
        "b": ("b2", "changed"),
        "d": ("d", "new"),
    }


def test_a_damaged_or_missing_shelf_is_no_cache(tmp_path):
    path = tmp_path / "kept.pickle"
    assert set(pagecache.Shelf(path, signature)) == set()  # no file
    shelf_with(path, {"a": ("1", "first value"), "b": ("2", "second value")}).close()
    data = path.read_bytes()
    at = data.index(b"second value")
    path.write_bytes(data[:at] + b"S" + data[at + 1 :])  # still unpickles: its digest says no
    shelf = pagecache.Shelf(path, signature)
    assert shelf.get("a") == ("1", "first value") and shelf.get("b") is None
    shelf.close()
    for damaged in (data[:-1], data[:-30] + b"\xff" + data[-29:], b"", b"\x00" * 40):
        path.write_bytes(damaged)
        assert set(pagecache.Shelf(path, signature)) == set()


def test_keeping_a_record_adds_no_copy_of_its_text_to_the_live_one(tmp_path):
    """Pickling a str makes CPython keep a UTF-8 copy of it inside the str for
    as long as it lives; a build's records live on after they are kept, so
    their long texts are pickled as bytes (kb/passages.py)."""
    import gc
    import tracemalloc

    from kb.passages import PageRecord, Passage

    prose = "A customer’s journey — not ASCII. " * 20_000  # 1.4 MB as a str
    record = PageRecord("a.md", prose + "!", True, [Passage("p1", "p", prose + "?", None, None)])
    odd = PageRecord("b.md", "a lone \ud800", True, [Passage("p1", "p", "\udc80", None, None)])
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        pagecache.save(tmp_path / "kept.pickle", record)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 100_000, f"{grown} bytes more held after keeping the record"
    assert pagecache.load(tmp_path / "kept.pickle", PageRecord) == record
    pagecache.save(tmp_path / "odd.pickle", odd)
    assert pagecache.load(tmp_path / "odd.pickle", PageRecord) == odd
