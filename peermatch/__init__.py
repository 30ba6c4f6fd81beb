"""peermatch: decide which health and care systems should learn from each other.

The library is usable without the command line::

    import peermatch
    data = peermatch.load()                 # the shipped data
    for m in peermatch.suggest(data, top=3):
        print(m.learner, m.teacher, round(m.score, 1))
    programme = peermatch.plan(data)        # every system teaches and learns
    print(programme.total, programme.left_out)
"""

from __future__ import annotations

__version__ = "0.1.0"

from peermatch.errors import DataError, PeermatchError, UsageError
from peermatch.findings import Finding
from peermatch.gaps import Gap, gaps
from peermatch.groups import Group, Groups, groups
from peermatch.loading import Dataset, load, validate
from peermatch.planning import LeftOut, Plan, PlanLink, plan
from peermatch.scoring import Breakdown, Match, explain, score_pair, suggest
from peermatch.weights import Weights, load_weights

__all__ = [
    "Breakdown",
    "DataError",
    "Dataset",
    "Finding",
    "Gap",
    "Group",
    "Groups",
    "LeftOut",
    "Match",
    "PeermatchError",
    "Plan",
    "PlanLink",
    "UsageError",
    "Weights",
    "__version__",
    "explain",
    "gaps",
    "groups",
    "load",
    "load_weights",
    "plan",
    "score_pair",
    "suggest",
    "validate",
]
