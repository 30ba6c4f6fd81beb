"""Finding codes are a closed set: every code the package writes is in the enum."""

from __future__ import annotations

import ast

from conftest import REPO

from peermatch.core.findings import CODES, MEANINGS, Code

# where each helper that makes a finding takes its code
CODE_ARGUMENT = {"Finding": 4, "error": 2, "warn": 2, "at": 1}


def codes_written() -> dict[str, str]:
    """Every literal code passed to a finding-making call in the package, and every member
    of :class:`Code` it names, with its file."""
    found: dict[str, str] = {}
    for path in sorted((REPO / "peermatch").rglob("*.py")):
        defines = path == REPO / "peermatch" / "core" / "findings.py"  # names every member
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                not defines
                and isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "Code"
            ):  # a member of the enum: Code.UNKNOWN_FIELD
                found.setdefault(Code[node.attr].value, str(path.relative_to(REPO)))
            if not isinstance(node, ast.Call):
                continue
            name = ast.unparse(node.func).split(".")[-1]
            position = CODE_ARGUMENT.get(name)
            args = (
                [node.args[position]] if position is not None and len(node.args) > position else []
            )
            args += [kw.value for kw in node.keywords if kw.arg == "code"]
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.setdefault(arg.value, str(path.relative_to(REPO)))
    return found


def test_every_code_written_is_in_the_enum() -> None:
    written = codes_written()
    assert len(written) > 30  # the scan finds the codes
    assert {code: where for code, where in written.items() if code not in CODES} == {}


def test_every_code_has_a_meaning() -> None:
    assert set(MEANINGS) == set(Code)
    assert all(text for text in CODES.values())
    assert all(Code(code).value == code for code in CODES)
