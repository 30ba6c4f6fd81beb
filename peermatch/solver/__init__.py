"""The optimisers, on arrays only: HiGHS behind one clock and status mapper (highs), the
b-matching, ring packing, and the groups' integer programme.
"""
