"""Views of the library's results, and nothing else: listings and their renderers (table,
CSV, JSON, Markdown), every ``*_listing``, the heatmap grid, CI annotations, the report.
"""
