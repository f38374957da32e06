"""The memo: what the rebuilding shell (`goalsite serve`) keeps from one build to the next.

A goal edit changes a few objectives of thousands. Each stage that can reuse work asks the memo for
its table, looks up every item by a key together with the item's inputs, and reuses the value the
last build made when the inputs are the same; otherwise it makes the value and puts it in. A table
keeps only what the running build put in, so results of goals that are gone are let go with the
build that follows.

One memo object is owned by the shell that rebuilds and passed down to the stages; a one-shot build
passes none (`Memo.none()` behaves as an empty memo that keeps nothing), and the stages stay
functions of their inputs. Tests and benchmarks read `Memo.stats()` to see what was reused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Hashable

MISSING: Any = object()
"""What `Table.get()` returns when the last build made nothing for the key with those inputs."""


@dataclass
class Stats:
    """How one stage's table did in the latest build: values reused from the build before, and made anew."""

    reused: int = 0
    made: int = 0


class Table:
    """One stage's values of the last build (`previous`) and of the running one (`fresh`), by key."""

    def __init__(self, previous: dict, keep: bool) -> None:
        self._previous = previous
        self.fresh: dict = {}
        self._keep = keep
        self.stats = Stats()

    def get(self, key: Hashable, inputs: Any, same: Callable[[Any, Any], bool] | None = None) -> Any:
        """The value kept for `key` when it was made from the same `inputs`, else MISSING.

        A value found is kept for the next build too. `same(old, new)` compares the inputs when `==`
        is not the right test (an identity check, say); the default is `==`.
        """
        entry = self._previous.get(key)
        if entry is None or not (same(entry[0], inputs) if same else entry[0] == inputs):
            return MISSING
        self.stats.reused += 1
        if self._keep:
            self.fresh[key] = entry
        return entry[1]

    def put(self, key: Hashable, inputs: Any, value: Any) -> Any:
        """Keep `value`, made from `inputs`, for the next build; returns `value`."""
        self.stats.made += 1
        if self._keep:
            self.fresh[key] = (inputs, value)
        return value

    def lookup(self, key: Hashable, inputs: Any, make: Callable[[], Any],
               same: Callable[[Any, Any], bool] | None = None) -> Any:
        """The kept value for (`key`, `inputs`), or `make()` put in as it."""
        value = self.get(key, inputs, same)
        return self.put(key, inputs, make()) if value is MISSING else value

    def carry(self, current: Callable[[Hashable, Any], bool]) -> None:
        """Keep for the next build the last build's values that this one did not ask for, when
        `current(key, inputs)` says their inputs are still current (a part of a page that was not
        rendered again this time, say). They count neither as reused nor as made."""
        if self._keep:
            for key, entry in self._previous.items():
                if key not in self.fresh and current(key, entry[0]):
                    self.fresh[key] = entry


class Memo:
    """Every stage's table, from one build to the next. Create one per rebuilding process."""

    def __init__(self, keep: bool = True) -> None:
        self._keep = keep
        self._tables: dict[str, tuple[Hashable, Table]] = {}

    @classmethod
    def none(cls) -> "Memo":
        """A memo that keeps nothing: every lookup misses. What a stage uses when given no memo."""
        return cls(keep=False)

    def table(self, stage: str, context: Hashable = None) -> Table:
        """`stage`'s table for the running build, seeded with the last build's values made in the same `context`.

        `context` is what every value of the stage depends on (`today`, settings): when it differs from
        the last build's, nothing is reused. Asking again for the same stage starts the next build's table.
        """
        last = self._tables.get(stage)
        previous = last[1].fresh if last is not None and last[0] == context else {}
        table = Table(previous, self._keep)
        if self._keep:
            self._tables[stage] = (context, table)
        return table

    def stats(self, stage: str) -> Stats:
        """How `stage`'s table did in its latest build (zeros when the stage has not asked yet)."""
        last = self._tables.get(stage)
        return last[1].stats if last is not None else Stats()

    def forget(self) -> None:
        """Let go of everything kept: the next build makes every value anew."""
        self._tables.clear()
