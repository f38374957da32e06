"""Speed machinery, kept apart from the stages: the memo that `goalsite serve` owns, the task runner, GC policy.

    memo.py      the one memo object: a table per stage, owned by the shell that rebuilds
    tasks.py     the task runner (forked processes) and its serial twin
    prefetch.py  the loader's use of the runner: a cold load parses some files in a second process
    gc.py        when Python's cycle collector runs

Nothing here but the prefetch knows what a goal is. The stages take a `Memo` (or none) and a `Tasks`
runner (or none) as arguments; they never keep state of their own between calls.
"""
