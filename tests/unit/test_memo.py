"""The memo the rebuilding shell owns: tables per stage, reuse by key and inputs, one build to the next."""

import pytest

from generator.speed.memo import MISSING, Memo


def _build(memo: Memo, items: dict, context="2026-11-20") -> dict:
    table = memo.table("score", context)
    return {key: table.lookup(key, inputs, lambda inputs=inputs: ("made", inputs)) for key, inputs in items.items()}


def test_values_of_the_last_build_are_reused_when_the_inputs_are_the_same():
    memo = Memo()
    first = _build(memo, {"a": 1, "b": 2})
    assert memo.stats("score").made == 2 and memo.stats("score").reused == 0
    second = _build(memo, {"a": 1, "b": 3})
    assert second["a"] is first["a"]
    assert second["b"] == ("made", 3)
    assert (memo.stats("score").reused, memo.stats("score").made) == (1, 1)


def test_a_table_keeps_only_what_the_running_build_used():
    memo = Memo()
    _build(memo, {"a": 1, "b": 2})
    _build(memo, {"a": 1})
    _build(memo, {"a": 1, "b": 2})
    assert (memo.stats("score").reused, memo.stats("score").made) == (1, 1)


def test_another_context_reuses_nothing():
    memo = Memo()
    _build(memo, {"a": 1})
    _build(memo, {"a": 1}, context="2026-11-21")
    assert (memo.stats("score").reused, memo.stats("score").made) == (0, 1)


def test_stages_have_tables_of_their_own():
    memo = Memo()
    memo.table("score").put("a", 1, "score's")
    lint = memo.table("lint")
    assert lint.get("a", 1) is MISSING
    assert memo.table("score").get("a", 1) == "score's"


def test_same_compares_inputs_when_equality_is_not_the_test():
    memo = Memo()
    inputs = [1]
    memo.table("load").put("f", inputs, "parsed")
    table = memo.table("load")
    assert table.get("f", [1], same=lambda old, new: old is new) is MISSING
    assert table.get("f", inputs, same=lambda old, new: old is new) == "parsed"


def test_no_memo_keeps_nothing_and_forget_lets_go():
    none = Memo.none()
    none.table("score").put("a", 1, "x")
    assert none.table("score").get("a", 1) is MISSING
    memo = Memo()
    memo.table("score").put("a", 1, "x")
    memo.forget()
    assert memo.table("score").get("a", 1) is MISSING
    assert memo.stats("export").reused == 0


def test_carry_keeps_values_not_asked_for_whose_inputs_are_still_current():
    memo = Memo()
    _build(memo, {"a": 1, "b": 2, "c": 3})
    table = memo.table("score", "2026-11-20")
    table.lookup("a", 1, lambda: pytest.fail("kept"))
    table.carry(lambda key, inputs: key != "c")  # "b" not asked for but current, "c" no longer
    assert (table.stats.reused, table.stats.made) == (1, 0)
    again = memo.table("score", "2026-11-20")
    assert again.get("b", 2) == ("made", 2) and again.get("c", 3) is MISSING
    Memo.none().table("score").carry(lambda key, inputs: True)  # keeps nothing, as ever
