"""How the plan is searched: pruning, pricing, stopping and tie-breaking constants."""

from __future__ import annotations

#: The largest tie-breaking nudge, in score points, given to one link (its learner's best).
TIE = 1e-5


#: Above this many candidate rings, each learner keeps only its best teachers.
MAX_RINGS = 2_000_000


#: On the vectorised path, the plan starts from each learner's best PRUNE teachers and
#: each teacher's best PRUNE learners (or PRUNE_PER_PLACE per place of the largest
#: capacity, if more); column generation then adds any other link that could improve it,
#: at most PRICE_PER_LEARNER per learner and round.
PRUNE = 6


PRUNE_PER_PLACE = 2


PRICE_PER_LEARNER = 30


#: A left-out link must beat its dual prices by more than this to join (the LP's own
#: tolerance is 1e-7 on reduced costs; the smallest nudge is far above it).
GAIN_TOL = 1e-9


#: Column generation also adds links within this many points of improving the plan
#: (doubling each round), so that it needs few rounds.
MARGIN = 2.0


#: Up to this many profiles, column generation runs until no left-out link could improve
#: the plan: the plan is the exact optimum over every link (a test holds the pruned and the
#: full plan to equal totals). Above it, it stops once the plan is proven within
#: :data:`GAP` of the optimum (the bound, from the LP's dual prices and every left-out
#: link, says how far at most), which keeps a 5,000-profile plan to seconds.
EXACT_UP_TO = 2_000


#: The proven relative gap at which column generation stops above EXACT_UP_TO profiles.
GAP = 1e-3


#: Above EXACT_UP_TO profiles the plan starts from fewer links (at least this many per
#: learner and per teacher, twice the largest capacity): a round costs seconds there.
LARGE_PRUNE = 8
