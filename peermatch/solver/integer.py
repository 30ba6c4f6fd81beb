"""A small integer programme solved whole: the groups of practice.

HiGHS through :func:`scipy.optimize.milp` (imported on first use): the groups' programme
is small enough that one branch-and-bound run, stopped at a relative gap, is best.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]


def solve_integer(
    values: FloatArray,
    matrix: Any,
    lower: FloatArray,
    upper: FloatArray,
    var_upper: FloatArray,
    *,
    time_limit: float,
    gap: float,
) -> tuple[FloatArray | None, bool]:
    """Maximise ``values @ x`` over integers ``0 <= x <= var_upper`` with
    ``lower <= matrix @ x <= upper``, stopping once proven within ``gap`` (relative).

    Returns ``x`` (None if the time limit came before any solution) and whether it is
    proven optimal (within ``gap``).
    """
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    n = len(values)
    res = milp(
        -values,
        integrality=np.ones(n),
        bounds=Bounds(np.zeros(n), var_upper),
        constraints=[LinearConstraint(matrix, lower, upper)],
        options={"time_limit": time_limit, "mip_rel_gap": gap},
    )
    return (None if res.x is None else res.x), res.status == 0
