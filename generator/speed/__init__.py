"""Speed machinery, kept apart from the stages: the memo that `goalsite serve` owns, the task runner, GC policy.

Nothing here knows what a goal is. The stages take a `Memo` (or none) and a `Tasks` runner as arguments;
they never keep state of their own between calls.
"""
