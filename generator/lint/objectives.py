"""Rules on an objective as a whole: its key results, how many objectives a unit has, its alignment."""

from __future__ import annotations

from .base import Rule

MAX_KEY_RESULTS = 5
MAX_OBJECTIVES = 5


class NoKeyResults(Rule):
    ID = "no-key-results"
    SUMMARY = "An objective has no key results."
    WHY = "Without key results nobody can tell whether the objective was reached (SMART: measurable)."

    def objective(self, obj, live):
        if not obj.key_results:
            yield self.warn(obj, f"Objective '{obj.id}' has no key results",
                            "Add 1 to 4 key results that show, in numbers, that the objective was reached.")


class TooManyKeyResults(Rule):
    ID = "too-many-key-results"
    SUMMARY = f"An objective has more than {MAX_KEY_RESULTS} key results."
    WHY = "Focus: more than a handful of key results dilutes attention; most OKR guides advise 1 to 4."

    def objective(self, obj, live):
        if len(obj.key_results) > MAX_KEY_RESULTS:
            yield self.warn(obj, f"Objective '{obj.id}' has {len(obj.key_results)} key results; expected at most {MAX_KEY_RESULTS}",
                            "Keep the 3 or 4 that matter most; move the rest to initiatives or to a KPI.")


class TooManyObjectives(Rule):
    ID = "too-many-objectives"
    SUMMARY = f"A unit has more than {MAX_OBJECTIVES} objectives in a period."
    WHY = "A team that chases everything achieves little; focus is the first promise of OKRs."
    PER_OBJECTIVE = False

    def check(self, live):
        for period in live.periods:
            for up in period.files.values():
                if len(up.objectives) > MAX_OBJECTIVES:
                    yield self.warn(up.objectives[MAX_OBJECTIVES],
                                    f"Unit '{up.unit.id}' has {len(up.objectives)} objectives in {period.id}; expected at most {MAX_OBJECTIVES}",
                                    "Pick the few that matter most this period.")

class Unaligned(Rule):
    ID = "unaligned"
    SUMMARY = "A team objective aligns to nothing."
    WHY = "Alignment shows how a team's work adds up to the company's goals; an unaligned objective may be a side quest."

    def objective(self, obj, live):
        if not obj.unit.is_company and not obj.obj.aligns_to:
            yield self.warn(obj, f"Objective '{obj.id}' of {obj.unit.id} aligns to nothing",
                            "Add aligns_to: with the parent objective or key result it supports, e.g. aligns_to: acme/grow-revenue.")

class AllMilestones(Rule):
    ID = "all-milestones"
    SUMMARY = "Every key result of an objective is a milestone."
    WHY = "Milestones measure output (we shipped it), not outcome (it made a difference); keep at least one measured result."

    def objective(self, obj, live):
        if len(obj.key_results) > 1 and all(kr.kr.milestone for kr in obj.key_results):
            yield self.warn(obj, f"Every key result of '{obj.id}' is a milestone",
                            "Add a key result that measures the outcome the milestones should bring about.")
