"""Fragments: parts of pages, kept from one render to the next (cache.py keys them)."""

from __future__ import annotations

from ..speed.memo import Memo, Table


class Fragments:
    """Parts of pages, reused when the page they are made from has the same key.

    A tag's page lists up to tags.TAG_PAGE objectives of many files: after one goal edit the page is
    rendered again, but the row of an objective of another file is the same as long as that file's
    unit page of the period is (tags.py). Each fragment names the
    page whose key covers everything it shows (`of`): a unit's page of a period is keyed by the
    unit's file, the files its goals link to, and what every page may show (see cache.py).
    They are kept in the memo's `table` (by name, with the page and its key as inputs); only what
    this process renders is kept, forked render workers make theirs afresh.
    """

    def __init__(self, table: Table | None = None, keys: dict[str, tuple] | None = None) -> None:
        self.table = Memo.none().table("render-fragments") if table is None else table
        self.keys = keys or {}

    def get(self, name: tuple, of: str, make):
        """The fragment `name`, made from the inputs of page `of`: `make()` unless kept with the same key."""
        key = self.keys.get(of)
        if key is None:  # no key (files not read by load_goals(), or no memo): always made
            return make()
        return self.table.lookup(name, (of, key), make)

    def carry(self) -> None:
        """Keep for the next render the fragments not asked for this time whose page has the same key
        (the parts of a period page that was reused whole, not rendered)."""
        self.table.carry(lambda name, inputs: self.keys.get(inputs[0]) == inputs[1])
