"""Everything that reads or writes a file: the checked reader, YAML in and out with positions,
the pydantic models, the document translator and cross-file checks (load/validate), history
and weights files, CSV import, the plan's JSON, the JSON Schema, atomic writes.
"""
