"""The domain, importing nothing from the other layers: errors, findings (codes as an enum),
the catalogue, the dataset and its topic indexes, the plan's result types, the scoring weights,
the defaults the CLI shows, progress and the GC pause.
"""
