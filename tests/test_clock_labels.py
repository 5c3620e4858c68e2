"""step_date with clock's labels of other languages (tests/r/make_clock_labels.R): the
shipped table is clock 0.6.1's, a Python recipe with ``pk.clock_labels(language)`` bakes
R's factors, an R recipe carrying them does too, and unknown languages or locales the OS
lacks raise a LocaleError naming them, as R stops."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import pykerasnip as pk
from pykerasnip.errors import LocaleError
from pykerasnip.recipes.labels import system_labels

DATA = Path(__file__).parent / "data" / "clock_labels"
#: ar: right-to-left script; ja: CJK; ru, el: non-ASCII abbreviations (el's are accented)
LANGUAGES = ["fr", "de", "es", "ja", "ar", "ru", "el"]


def _r_bake(language: str, abbr: bool) -> pd.DataFrame:
    return pk.read_rds(DATA / f"{language}_{'abbr' if abbr else 'full'}.rds")


@pytest.mark.parametrize("abbr", [True, False])
@pytest.mark.parametrize("language", LANGUAGES)
def test_python_recipe_with_clock_labels_bakes_as_r(language: str, abbr: bool) -> None:
    train = pk.read_rds(DATA / "train.rds")
    rec = pk.recipe("y ~ d", data=train).step_date(
        "d", features=("month", "dow"), abbr=abbr, locale=pk.clock_labels(language))
    baked = rec.prep(training=train).bake(pk.read_rds(DATA / "new_data.rds"))
    pd.testing.assert_frame_equal(baked, _r_bake(language, abbr), check_exact=True)


def test_the_table_has_every_clock_language_and_non_ascii_names() -> None:
    languages = pk.clock_labels_languages()
    assert len(languages) == 196 and set(LANGUAGES) <= set(languages)
    greek = pk.clock_labels("el")
    assert list(_r_bake("el", True)["d_month"].cat.categories) == greek["month_abbrev"]
    assert greek["weekday_abbrev"][0] != greek["weekday_abbrev"][0].encode("ascii", "ignore").decode()
    assert pk.clock_labels("en")["am_pm"] == ["AM", "PM"]


def test_clock_labels_survive_a_round_trip_through_rds(tmp_path: Path) -> None:
    train = pk.read_rds(DATA / "train.rds")
    rec = pk.recipe("y ~ d", data=train).step_date("d", locale=pk.clock_labels("ja"))
    pk.write_rds(rec.prep(training=train), tmp_path / "r.rds")
    assert pk.read_rds(tmp_path / "r.rds").steps[0].locale == pk.clock_labels("ja")


def test_unknown_language_is_a_locale_error_as_in_clock() -> None:
    message = (DATA / "unknown_language_error.txt").read_text().strip().rstrip(".")
    with pytest.raises(LocaleError, match=message):
        pk.clock_labels("zz")


def test_locale_string_uses_the_os_locale_and_stops_where_r_stops() -> None:
    r_message = (DATA / "system_locale_fr_error.txt").read_text().strip()
    with pytest.raises(LocaleError, match='"fr" cannot be honored'):
        system_labels("fr")
    assert 'set locale to "fr" cannot be honored' in r_message
    assert system_labels("C") == pk.clock_labels("en")


def test_r_recipe_with_clock_labels_bakes_as_r() -> None:
    recipe = pk.read_rds(DATA / "recipe_el_abbr.rds")
    assert recipe.steps[0].locale == pk.clock_labels("el")
    pd.testing.assert_frame_equal(recipe.bake(pk.read_rds(DATA / "new_data.rds")),
                                  _r_bake("el", True), check_exact=True)
