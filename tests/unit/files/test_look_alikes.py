"""Look-alikes: names and aliases compared after NFC normalisation; confusable names a
``validate`` warning; an ambiguous ``--for`` an error listing the candidates."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from conftest import SMALL, invoke

from peermatch.core.catalogue import Catalogue, Topic, normalise, skeleton

NFC = "Café ICS"
NFD = unicodedata.normalize("NFD", NFC)
CYRILLIC = "Саfe ICS"  # a Cyrillic С and а


def _data(tmp_path: Path, alpha: str, beta: str) -> Path:
    text = (SMALL / "systems.yaml").read_text(encoding="utf-8")
    text = text.replace("name: Alpha ICS", f"name: {alpha}").replace(
        "name: Beta ICS", f"name: {beta}"
    )
    (tmp_path / "systems.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "challenges.yaml").write_bytes((SMALL / "challenges.yaml").read_bytes())
    return tmp_path


def test_nfc_and_nfd_compare_equal() -> None:
    assert NFC != NFD
    assert normalise(NFC) == normalise(NFD)
    assert skeleton(CYRILLIC) == skeleton("Cafe ICS")


def test_an_alias_spelt_nfd_resolves_to_the_same_topic() -> None:
    nfc = unicodedata.normalize("NFC", "délai de sortie")
    nfd = unicodedata.normalize("NFD", nfc)
    cat = Catalogue({"discharge": Topic("discharge", "Discharge", "flow", (nfc,), ())})
    assert cat.resolve(nfd) == cat.resolve(nfc) == "discharge"


def test_confusable_names_are_a_validate_warning(tmp_path: Path) -> None:
    data = _data(tmp_path, "Cafe ICS", CYRILLIC)
    result = invoke("validate", "--strict", "--data", str(data))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{data}/systems.yaml:18:11: systems[1].name: warning: the name of 'beta' looks the "
        "same as (spelt with other characters) the name of 'alpha'; rename one so that --for "
        "and readers can tell them apart",
        "FAILED: 0 error(s), 1 warning(s)",
    ]


def test_an_ambiguous_for_is_an_error_listing_the_candidates(tmp_path: Path) -> None:
    data = _data(tmp_path, NFC, NFD)
    result = invoke("suggest", "--data", str(data), "--for", NFC)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"usage error: '{NFC}' names more than one system: alpha ({NFC}), beta ({NFD}); "
        "give the id\n"
    )
    assert invoke("suggest", "--data", str(data), "--for", "beta").exit_code == 0
