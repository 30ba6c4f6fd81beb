"""peermatch: decide which health and care systems should learn from each other.

The library is usable without the command line::

    import peermatch
    data = peermatch.load()                 # the shipped data
    for m in peermatch.suggest(data, top=3):
        print(m.learner, m.teacher, round(m.score, 1))
    programme = peermatch.plan(data)        # every system teaches and learns
    print(programme.total, programme.left_out)

The names below are imported on first use, so that ``import peermatch`` (and so
``peermatch --version`` and ``--help``) stays quick: pydantic's models are built only when
data is loaded.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from peermatch.errors import DataError, PeermatchError, UsageError
    from peermatch.findings import Finding
    from peermatch.gaps import Gap, gaps
    from peermatch.groups import Group, Groups, groups
    from peermatch.loading import Dataset, load, validate
    from peermatch.planning import LeftOut, Plan, PlanLink, plan
    from peermatch.scoring import Breakdown, Match, explain, score_pair, suggest
    from peermatch.weights import Weights, load_weights

_WHERE = {
    "Breakdown": "peermatch.scoring",
    "DataError": "peermatch.errors",
    "Dataset": "peermatch.loading",
    "Finding": "peermatch.findings",
    "Gap": "peermatch.gaps",
    "Group": "peermatch.groups",
    "Groups": "peermatch.groups",
    "LeftOut": "peermatch.planning",
    "Match": "peermatch.scoring",
    "PeermatchError": "peermatch.errors",
    "Plan": "peermatch.planning",
    "PlanLink": "peermatch.planning",
    "UsageError": "peermatch.errors",
    "Weights": "peermatch.weights",
    "explain": "peermatch.scoring",
    "gaps": "peermatch.gaps",
    "groups": "peermatch.groups",
    "load": "peermatch.loading",
    "load_weights": "peermatch.weights",
    "plan": "peermatch.planning",
    "score_pair": "peermatch.scoring",
    "suggest": "peermatch.scoring",
    "validate": "peermatch.loading",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'peermatch' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])


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
