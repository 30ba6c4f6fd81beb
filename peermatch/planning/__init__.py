"""A whole cohort's programme: candidate links, pins and reasons, column generation with the
LP's pricing, rings; :func:`peermatch.planning.api.plan` is the entry point.
"""
