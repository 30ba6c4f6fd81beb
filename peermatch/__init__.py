"""peermatch: decide which health and care systems should learn from each other.

The library is usable without the command line::

    import peermatch
    data = peermatch.load()                 # the shipped data
    for m in peermatch.suggest(data, top=3):
        print(m.learner, m.teacher, round(m.score, 1))

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
    from peermatch.loading import Dataset, load, validate
    from peermatch.scoring import Breakdown, Match, explain, score_pair, suggest
    from peermatch.weights import Weights, load_weights

_WHERE = {
    "Breakdown": "peermatch.scoring",
    "DataError": "peermatch.errors",
    "Dataset": "peermatch.loading",
    "Finding": "peermatch.findings",
    "Match": "peermatch.scoring",
    "PeermatchError": "peermatch.errors",
    "UsageError": "peermatch.errors",
    "Weights": "peermatch.weights",
    "explain": "peermatch.scoring",
    "load": "peermatch.loading",
    "load_weights": "peermatch.weights",
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
    "Match",
    "PeermatchError",
    "UsageError",
    "Weights",
    "__version__",
    "explain",
    "load",
    "load_weights",
    "score_pair",
    "suggest",
    "validate",
]
