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

from peermatch.core.version import __version__

if TYPE_CHECKING:
    from peermatch.analysis.gaps import Gap, gaps
    from peermatch.analysis.groups import Group, Groups, groups
    from peermatch.core.dataset import Dataset
    from peermatch.core.errors import DataError, PeermatchError, UsageError
    from peermatch.core.findings import Finding
    from peermatch.core.plan import LeftOut, Plan, PlanLink
    from peermatch.core.weights import Weights
    from peermatch.files.loading import load, validate
    from peermatch.files.weights import load_weights
    from peermatch.planning.api import plan
    from peermatch.scoring.match import Match
    from peermatch.scoring.ranking import suggest
    from peermatch.scoring.reference import Breakdown, explain, score_pair

_WHERE = {
    "Breakdown": "peermatch.scoring.reference",
    "DataError": "peermatch.core.errors",
    "Dataset": "peermatch.core.dataset",
    "Finding": "peermatch.core.findings",
    "Gap": "peermatch.analysis.gaps",
    "Group": "peermatch.analysis.groups",
    "Groups": "peermatch.analysis.groups",
    "LeftOut": "peermatch.core.plan",
    "Match": "peermatch.scoring.match",
    "PeermatchError": "peermatch.core.errors",
    "Plan": "peermatch.core.plan",
    "PlanLink": "peermatch.core.plan",
    "UsageError": "peermatch.core.errors",
    "Weights": "peermatch.core.weights",
    "explain": "peermatch.scoring.reference",
    "gaps": "peermatch.analysis.gaps",
    "groups": "peermatch.analysis.groups",
    "load": "peermatch.files.loading",
    "load_weights": "peermatch.files.weights",
    "plan": "peermatch.planning.api",
    "score_pair": "peermatch.scoring.reference",
    "suggest": "peermatch.scoring.ranking",
    "validate": "peermatch.files.loading",
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
