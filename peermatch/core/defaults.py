"""Every default a user can change from the command line, in one place.

The library's functions take these as their defaults and the CLI reads them for its
options and help text. This module imports nothing, so the CLI can read it at start-up
without loading the library.
"""

from __future__ import annotations

#: Teaching links per system in a plan when neither the profile nor ``--teach`` says.
DEFAULT_TEACH = 3
#: Learning links per system in a plan when neither the profile nor ``--learn`` says.
DEFAULT_LEARN = 2
#: Seconds a solver (plan, rings, groups) may take before it reports what it has.
TIME_LIMIT = 60.0
#: With a history: a link made this many years before the planning year, or later, is not
#: repeated (``--window``).
DEFAULT_WINDOW = 2
#: Members per group when ``--size`` is not given (the report's networks of 8-10).
DEFAULT_GROUP_SIZE = 10
#: Groups per system when ``--per-system`` is not given.
DEFAULT_PER_SYSTEM = 2
#: Members per peer review team when ``teams --size`` is not given (the LGA's four to five).
DEFAULT_TEAM_SIZE = 4
#: Teams a person in peers.yaml joins when the file does not say.
DEFAULT_PEER_CAPACITY = 1
