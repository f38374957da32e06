"""Fragments: parts of the largest pages, kept from one render to the next (cache.py keys them)."""

from __future__ import annotations


class Fragments:
    """Parts of the largest pages, reused when the page they are made from has the same key.

    A period page (and its retrospective) shows a table for every unit and a line in the alignment
    tree for every goal: after one goal edit the page is rendered again, but the part made from one
    unit's file is the same as long as that unit's page of the period is. Each fragment names the
    page whose key covers everything it shows (`of`): a unit's page of a period is keyed by the
    unit's file, the files its goals link to, and what every page may show (see the module's doc).
    Only what this process renders is remembered; forked render workers make theirs afresh.
    """

    def __init__(self, previous: dict[tuple, tuple[str, bytes, object]], keys: dict[str, bytes]) -> None:
        self.previous = previous
        self.keys = keys
        self.made: dict[tuple, tuple[str, bytes, object]] = {}

    def get(self, name: tuple, of: str, make):
        """The fragment `name`, made from the inputs of page `of`: `make()` unless kept with the same key."""
        key = self.keys.get(of)
        if key is None:  # no key (files not read by load_goals()): always made
            return make()
        entry = self.previous.get(name)
        if entry is not None and entry[1] == key and entry[0] == of:
            value = entry[2]
        else:
            value = make()
        self.made[name] = (of, key, value)
        return value
