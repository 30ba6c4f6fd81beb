"""Spreadsheet cells: reading the CSV file, cleaning and splitting cell text, and the words
and columns the import layout knows."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

from peermatch.core.errors import DataError
from peermatch.core.findings import Finding
from peermatch.files.models import KINDS, SLUG_PATTERN

BASE_COLUMNS = (
    "id",
    "name",
    "kind",
    "part_of",
    "country",
    "population",
    "tags",
    "capacity_teach",
    "capacity_learn",
    "partners",
    "exclude",
    "strengths",
    "challenges",
)


REQUIRED_COLUMNS = ("name", "kind", "strengths", "challenges")


_NUMBERED_RE = re.compile(r"^(evidence|source|note|need_source)_([1-9][0-9]{0,2})$")


KIND_SYNONYMS = {
    "integrated-care-system": "ics",
    "integrated-care-board": "ics",
    "icb": "ics",
    "nhs-trust": "trust",
    "hospital": "trust",
    "hospital-trust": "trust",
    "acute-trust": "trust",
    "community-trust": "trust",
    "mental-health-trust": "trust",
    "ambulance-trust": "trust",
    "foundation-trust": "trust",
    "nhs-foundation-trust": "trust",
    "collaborative": "provider-collaborative",
    "primary-care-network": "pcn",
    "local-authority": "council",
    "national": "national-body",
}


_SLUG = re.compile(SLUG_PATTERN)


_SCALED = re.compile(r"^([0-9]+(?:\.[0-9]+)?)(k|thousand|m|million)$")


_SCALE = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000}


def read_csv(path: str | Path) -> list[list[str]]:
    """The records of a CSV file (UTF-8, a BOM allowed); a file problem raises DataError."""
    from peermatch.files.checked_read import max_bytes, read_bytes

    display = str(path)
    path = Path(path)

    def fail(line: int, message: str) -> DataError:
        return DataError([Finding(display, line, 0, "", "csv", message)])

    raw = read_bytes(path, display, what="CSV", hint="check the path")
    if b"\0" in raw:
        raise fail(0, "this is a binary file (a spreadsheet?), not CSV; save it as 'CSV UTF-8'")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail(
            line,
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the spreadsheet as "
            "'CSV UTF-8 (comma delimited)'",
        ) from None
    # a cell may be as long as the file may be: export never writes one that import refuses
    csv.field_size_limit(max(csv.field_size_limit(), max_bytes()))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        return list(reader)
    except csv.Error as exc:
        raise fail(reader.line_num, f"not readable as CSV: {exc}") from None


#: Header wordings forms commonly use, as the layout's column keys (compared as
#: :func:`header_key` makes them). A form's "Timestamp" is read to settle --keep.
HEADER_SYNONYMS = {
    "organisation": "name",
    "organization": "name",
    "organisation_name": "name",
    "organization_name": "name",
    "name_of_organisation": "name",
    "name_of_organization": "name",
    "name_of_your_organisation": "name",
    "system_name": "name",
    "name_of_system": "name",
    "kind_of_organisation": "kind",
    "type_of_organisation": "kind",
    "type_of_organization": "kind",
    "organisation_type": "kind",
    "organization_type": "kind",
    "type": "kind",
    "system_type": "kind",
    "nation": "country",
    "population_served": "population",
    "part_of_system": "part_of",
    "parent_system": "part_of",
    "what_can_you_teach": "strengths",
    "what_do_you_want_to_learn": "challenges",
    "needs": "challenges",
    "time_stamp": "timestamp",
    "submitted_at": "timestamp",
    "submission_time": "timestamp",
}


def header_key(text: str) -> str:
    """``" Capacity teach"`` -> ``capacity_teach``, ``"Organisation name"`` -> ``name``:
    how header names are compared (punctuation such as '?' or '(s)' ignored)."""
    key = re.sub(r"[\s\-]+", "_", text.strip().casefold())
    key = re.sub(r"\(s\)|[^\w]", "", key).strip("_")
    return HEADER_SYNONYMS.get(key, key)


def slugify(text: str) -> str:
    """``"Bath & North East Somerset"`` -> ``bath-north-east-somerset``."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.casefold()).strip("-")[:100].strip("-")


def clean_text(text: str) -> str:
    """Cell text as the data files allow it: line breaks as ``\\n``, other control
    characters as spaces, no byte-order marks."""
    out = []
    for ch in text.replace("\r\n", "\n"):
        if ch in "\r\x85\u2028\u2029":
            out.append("\n")
        elif ch == "\ufeff":
            continue
        elif ch not in "\t\n" and unicodedata.category(ch) == "Cc":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def split_list(text: str, *, commas: bool = False) -> list[str]:
    pattern = r"[;\n,]" if commas else r"[;\n]"
    return [part.strip() for part in re.split(pattern, text) if part.strip()]


def _number_or_word(text: str, words: dict[str, int]) -> int | None:
    key = text.strip().casefold()
    if key in ("1", "2", "3"):
        return int(key)
    return words.get(key)


def _kinds_hint() -> str:
    return "use one of: " + ", ".join(KINDS)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
