"""Questions about the cohort as a whole: gaps (one definition), groups of practice, supply
and demand per topic.
"""
