"""CPython's cyclic garbage collector in the long-running processes: the API and the workers.

Both hold, at once, many objects that their requests or jobs free when they end, and few
reference cycles (app.graphql.executor_helpers; an ingest group's rows and decoded items are
trees). So each freezes what its startup loaded and collects its young generation every
``YOUNG_THRESHOLD`` net allocations instead of CPython's 700:
- the API: a young collection every 700 allocations ran ~30 times during a large read,
  each rescanning what the request held (~8 ms of a 60 ms catalog query); RSS +12 MB on
  the catalog benchmark;
- an ingest worker: collections took 1.25 s of 43 s of its CPU over one `bench/ingest.py`
  run (18,106 young, 1,645 middle and 116 full ones: the rows a group holds until it commits
  were rescanned again and again), 0.47 s of 46.7 s with the threshold (288), read with
  `gc.callbacks`.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000

Thresholds = tuple[int, int, int]


def tune_for_long_running() -> Thresholds:
    """Collects, freezes what is left (it lives as long as the process: full collections
    no longer walk it) and raises the young threshold. Returns the thresholds before, for
    ``restore``."""
    before = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *before[1:])
    return before


def restore(thresholds: Thresholds) -> None:
    """The thresholds ``tune_for_long_running`` found (a test process runs many apps and
    workers; nothing is unfrozen)."""
    gc.set_threshold(*thresholds)
