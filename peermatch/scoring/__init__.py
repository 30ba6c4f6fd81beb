"""How well one system can teach another: the reference score of one pair, the score matrix
that computes the same numbers for every pair, a history's adjustments, and the rankings.
"""
