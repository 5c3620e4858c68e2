"""pykerasnip.convert against R: natural values of R-saved objects, R -> Python -> R round
trips checked with R's identical(), Python-built frames, the fixtures' new data."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import pandas as hpd

from conftest import all_fixture_rds, case_dir, fixture_cases
from pykerasnip import rds
from pykerasnip.convert import (RList, as_r_columns, from_pandas, from_python, named_values, r_get, scalar,
                                strings, to_pandas, to_python)
from pykerasnip.errors import UnsupportedObjectError
from pykerasnip.rds import build as b
from pykerasnip.rds.nodes import NA_INTEGER, Integer, List, Real, Str, is_na_real
from r_oracle import requires_r, run_r_script

R_SCRIPT = Path(__file__).parent / "r" / "convert_objects.R"


def run_r_objects(mode: str, directory: Path) -> dict:
    """Run tests/r/convert_objects.R; in check mode, {name: identical to R's object}."""
    out = run_r_script(R_SCRIPT, mode, directory)
    return json.loads(out) if mode == "check" else {}


def r_identical(objects: dict[str, object], directory: Path) -> dict:
    """Dump Python-built R trees as <name>.rds and let R compare each with its own."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, node in objects.items():
        rds.dump(node, directory / f"{name}.rds")
    return run_r_objects("check", directory)


# -- R -> Python ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def r_saved(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("r_objects")
    run_r_objects("write", directory)
    return directory


def load_natural(directory: Path, name: str):
    return to_python(rds.load(directory / f"{name}.rds"))


@requires_r("jsonlite", "tibble")
def test_frame_column_types(r_saved):
    df = load_natural(r_saved, "frame_types")
    assert list(df.columns) == ["dbl", "int", "lgl", "chr", "fct", "ord", "date", "time",
                                "ny", "secs"]
    assert isinstance(df.index, pd.RangeIndex) and len(df) == 3
    np.testing.assert_array_equal(df["dbl"].to_numpy(), [1.5, np.nan, -np.inf])
    assert df["int"].dtype == "Int32" and df["int"].tolist() == [1, pd.NA, 3]
    assert df["lgl"].dtype == "boolean" and df["lgl"].tolist() == [True, pd.NA, False]
    assert df["chr"].dtype == object and df["chr"].tolist() == ["a", None, "\u00e9t\u00e9"]
    assert list(df["fct"].cat.categories) == ["b", "a"] and not df["fct"].cat.ordered
    assert df["fct"].isna().tolist() == [False, True, False]
    assert df["ord"].cat.ordered and list(df["ord"].cat.categories) == ["lo", "hi"]
    assert df["date"].dt.tz is None
    assert df["date"].isna().tolist() == [False, True, False]
    assert df["date"][0] == pd.Timestamp("2020-01-02")
    assert df["date"][2] == pd.Timestamp("1969-12-31")
    assert str(df["time"].dt.tz) == "UTC"
    assert df["time"][0] == pd.Timestamp("2020-01-02 03:04:05", tz="UTC")
    assert str(df["ny"].dt.tz) == "America/New_York"
    assert df["ny"][0] == pd.Timestamp("2020-06-01 12:00:00", tz="America/New_York")
    assert df["secs"].tolist()[0] == pd.Timedelta(seconds=1.5) and df["secs"].isna()[1]


@requires_r("jsonlite", "tibble")
def test_row_names_and_list_and_matrix_columns(r_saved):
    mt = load_natural(r_saved, "rownames_df")
    assert mt.index.tolist() == ["Mazda RX4", "Mazda RX4 Wag", "Datsun 710"]
    assert mt.loc["Datsun 710", "mpg"] == 22.8

    tb = load_natural(r_saved, "tibble_list_col")
    assert tb.attrs["class"] == ["tbl_df", "tbl", "data.frame"]
    assert tb["l"].dtype == object
    np.testing.assert_array_equal(tb["l"][0], np.array([1, 2], dtype="int32"))
    assert tb["l"][1].tolist() == ["a"]

    mc = load_natural(r_saved, "matrix_col")
    assert mc.attrs["r_matrix_columns"] == ["m"]
    assert [row.tolist() for row in mc["m"]] == [[1.5, 3.0], [2.0, 4.0]]

    labelled = load_natural(r_saved, "labelled")
    assert labelled.attrs["note"] == ["hi"]
    assert labelled.attrs["r_column_attrs"] == {"a": {"label": ["A"]}}


@requires_r("jsonlite", "tibble")
def test_vectors_and_lists(r_saved):
    named = load_natural(r_saved, "named_dbl")
    assert isinstance(named, pd.Series) and named.index.tolist() == ["a", "b"]
    assert named["a"] == 1.0 and np.isnan(named["b"])
    seq = load_natural(r_saved, "int_seq")  # ALTREP compact sequence in the file
    assert seq.dtype == np.int32 and seq.tolist() == [1, 2, 3]
    assert load_natural(r_saved, "int_na").tolist() == [1, pd.NA]
    assert load_natural(r_saved, "chr_na").tolist() == ["x", None]
    assert load_natural(r_saved, "lgl_vec").dtype == bool
    fct = load_natural(r_saved, "factor_vec")
    assert isinstance(fct, pd.Categorical) and list(fct.categories) == ["lo", "hi"]
    assert fct.isna().tolist() == [False, False, True]
    np.testing.assert_array_equal(load_natural(r_saved, "matrix_dbl"),
                                  [[0.5, 2.5, 4.5], [1.5, 3.5, 5.5]])
    assert load_natural(r_saved, "raw_vec") == b"\x00\xff"
    local = load_natural(r_saved, "posix_local")  # tzone "": shown in UTC, kept in attrs
    assert str(local.dt.tz) == "UTC" and local.attrs == {"tzone": [""]}
    assert local[0] == pd.Timestamp("2001-09-09 01:46:40", tz="UTC")

    nested = load_natural(r_saved, "nested_list")
    assert isinstance(nested, RList) and nested.names == ["a", "b", ""]
    assert nested["b"]["c"].tolist() == ["x"] and nested["b"]["d"] is None
    assert nested[2].tolist() == [2]
    classed = load_natural(r_saved, "classed_list")
    assert classed.attrs == {"class": ["foo"]}
    proc = load_natural(r_saved, "proc")
    assert proc.attrs == {"class": ["proc_time"]} and proc["elapsed"] == 3.0


@pytest.fixture(scope="module")
def round_trip_results(r_saved, tmp_path_factory) -> dict:
    back = {path.stem: from_python(to_python(rds.load(path)))
            for path in sorted(r_saved.glob("*.rds"))}
    return r_identical(back, tmp_path_factory.mktemp("round_trip"))


@requires_r("jsonlite", "tibble")
@pytest.mark.parametrize("name", [
    "frame_types", "tibble_list_col", "rownames_df", "zero_rows", "zero_rows_tibble",
    "matrix_col", "labelled", "named_dbl", "int_seq", "int_na", "chr_na", "lgl_vec",
    "factor_vec", "date_vec", "posix_local", "matrix_dbl", "nested_list", "classed_list",
    "proc", "raw_vec"])
def test_round_trip_is_identical_in_r(round_trip_results, name):
    assert round_trip_results[name] is True


# -- Python -> R -------------------------------------------------------------------------
def python_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "f": [1.25, np.nan],
        "i": pd.array([7, None], dtype="Int32"),
        "b": pd.array([None, True], dtype="boolean"),
        "s": pd.Series(["q", None]),  # pandas' own string dtype
        "n": np.array([1, 2], dtype="int64"),
        "k": np.array([True, False]),
        "cat": pd.Categorical(["z", "a"], categories=["z", "a", "m"], ordered=True),
        "day": pd.to_datetime(["2024-02-29", None]),
        "stamp": pd.to_datetime(["2024-01-01 10:30:00", None]).tz_localize("UTC"),
        "paris": pd.to_datetime([None, "2024-07-14 09:00:00"]).tz_localize("Europe/Paris"),
        "wait": pd.to_timedelta([90, None], unit="s"),
    })


@requires_r("jsonlite", "tibble")
def test_python_values_read_back_identical_in_r(tmp_path):
    objects = {
        "py_frame": from_pandas(python_frame()),
        "py_tibble": from_pandas(python_frame(), tibble=True),
        "py_named": from_python(pd.Series([1, 2], index=["a", "b"])),
        "py_dict": from_python({"x": 1.5, "y": "s", "z": None}),
        "py_matrix": from_python(np.array([[1, 3, 5], [2, 4, 6]])),
    }
    assert r_identical(objects, tmp_path) == dict.fromkeys(objects, True)


def test_python_frame_types():
    node = from_pandas(python_frame())
    cols = dict(zip(node.names, node.data))
    assert is_na_real(cols["f"].data).tolist() == [False, True]  # NaN is written as NA
    assert cols["i"].data.tolist() == [7, NA_INTEGER]
    assert isinstance(cols["n"], Integer) and isinstance(cols["s"], Str)
    assert cols["day"].classes == ["Date"] and cols["day"].data[0] == 19782.0
    assert cols["stamp"].classes == ["POSIXct", "POSIXt"] and cols["stamp"].data[0] == 1704105000.0
    assert cols["paris"].attr("tzone").data == ["Europe/Paris"]
    assert cols["wait"].attr("units").data == ["secs"] and cols["wait"].data[0] == 90.0
    assert node.attr("row.names").data.tolist() == [NA_INTEGER, -2]


def test_posixct_reads_at_nanoseconds_even_without_rows():
    """A 0-length POSIXct (hardhat's ptype) reads at the rows' resolution."""
    for seconds in ([], [1713056016.945456]):
        node = b.structure(b.dbl(*seconds), {"class": ["POSIXct", "POSIXt"], "tzone": "UTC"})
        assert str(to_pandas(b.structure(b.named_list({"when": node}), {
            "class": "data.frame", "row.names": b.int_(None, -len(seconds))}))["when"].dtype) == \
            "datetime64[ns, UTC]"


def test_naive_datetime_rule():
    midnight = from_python(pd.to_datetime(["2024-01-01", "2024-01-02"]))
    clock = from_python(pd.to_datetime(["2024-01-01 00:00:01"]))
    assert midnight.classes == ["Date"]
    assert clock.classes == ["POSIXct", "POSIXt"] and clock.attr("tzone").data == ["UTC"]


def test_naive_datetimes_with_times_are_prepared_as_r_receives_them():
    """Preprocessing sees the column R will: a POSIXct in UTC, not a Date."""
    frame = pd.DataFrame({"day": pd.to_datetime(["2024-01-01", None]),
                          "clock": pd.to_datetime(["2024-01-01 06:30", None]),
                          "zoned": pd.to_datetime(["2024-01-01 06:30"] * 2).tz_localize("Europe/Paris")})
    seen = as_r_columns(frame)
    assert seen["day"].dtype == frame["day"].dtype
    assert str(seen["clock"].dt.tz) == "UTC"
    assert seen["zoned"].dtype == frame["zoned"].dtype
    assert from_python(seen["clock"]).data[0] == from_python(frame["clock"]).data[0]
    untouched = frame[["day", "zoned"]]
    assert as_r_columns(untouched) is untouched


def test_large_integers_become_doubles_and_objects_become_lists():
    assert isinstance(from_python(np.array([2**40])), Real)
    mixed = from_python(pd.Series([1, "a", None], dtype=object))
    assert isinstance(mixed, List) and mixed.data[2] is None


def test_unknown_values_raise():
    with pytest.raises(UnsupportedObjectError, match="set"):
        from_python({1, 2})
    with pytest.raises(UnsupportedObjectError, match="data.frame"):
        to_pandas(b.dbl(1.0))


frames = hpd.data_frames([
    hpd.column("x", dtype=float, elements=st.floats(allow_nan=True, width=64)),
    hpd.column("n", elements=st.one_of(st.none(), st.integers(-2**31 + 1, 2**31 - 1)),
               dtype=object),
    hpd.column("s", dtype=object, elements=st.one_of(st.none(), st.text(
        st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=5))),
    hpd.column("c", dtype=object, elements=st.sampled_from(["u", "v", None])),
])


@settings(max_examples=60, deadline=None)
@given(frames)
def test_python_round_trip_keeps_values_and_types(df):
    df["n"] = df["n"].astype("Int32")
    df["c"] = df["c"].astype(pd.CategoricalDtype(["v", "u"]))
    back = to_python(rds.loads(rds.dumps(from_pandas(df))))
    pd.testing.assert_frame_equal(back, df, check_index_type=False)


# -- fixtures' new data -----------------------------------------------------------------
DTYPE_CHECKS = {
    "numeric": lambda s: s.dtype == np.float64,
    "integer": lambda s: s.dtype == "Int32",
    "logical": lambda s: s.dtype == "boolean",
    "character": lambda s: s.dtype == object,
    "factor": lambda s: isinstance(s.dtype, pd.CategoricalDtype),
    "Date": lambda s: s.dtype.kind == "M" and s.dt.tz is None,
}


@pytest.mark.parametrize("case", [c for c in fixture_cases(None) if c.get("new_data")],
                         ids=lambda c: c["case"])
def test_fixture_new_data_types(case):
    spec = case["new_data"]
    df = to_pandas(rds.load(case_dir(case) / spec["rds"]))
    assert len(df) == spec["n_rows"]
    assert list(df.columns) == [c["name"] for c in spec["columns"]]
    for col in spec["columns"]:
        series = df[col["name"]]
        assert DTYPE_CHECKS[col["r_class"][-1]](series), (col, series.dtype)
        assert series.isna().sum() == col["n_na"]
        if col["levels"] is not None:
            assert list(series.cat.categories) == col["levels"]
            assert series.cat.ordered == col["ordered"]
    csv = pd.read_csv(case_dir(case) / spec["csv"])
    numeric = df.select_dtypes("number").astype("float64")
    np.testing.assert_allclose(numeric.to_numpy(), csv[numeric.columns].to_numpy(dtype="f8"),
                               rtol=1e-12)


@pytest.mark.parametrize("path", [p for p in all_fixture_rds() if p.stat().st_size < 3e6],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_converts(path):
    node = rds.load(path)
    value = to_python(node)
    if node.inherits("data.frame"):
        assert isinstance(value, pd.DataFrame) and len(value.columns) == len(node.data)
    else:
        assert isinstance(value, RList) and value.attrs["class"] == node.classes
        assert value.names == node.names


# -- accessors ---------------------------------------------------------------------------
def test_accessors_navigate_lists_pairlists_environments():
    env = b.environment({"recipe": b.named_list(steps=b.r_list([b.chr("step_normalize")]))})
    tree = b.named_list(fit=b.named_list(env=env), args=b.call("f", x=b.dbl(3.0)))
    assert strings(r_get(tree, "fit", "env", "recipe", "steps", 0)) == ["step_normalize"]
    assert scalar(r_get(tree, "args", "x")) == 3.0
    assert r_get(tree, "fit", "missing", default="none") == "none"
    assert r_get(tree, "fit", 5) is None
    assert scalar(b.int_(None)) is None and scalar(None) is None
    assert scalar(b.factor(["b"], ["a", "b"])) == "b"
    assert strings(b.factor(["b", None], ["a", "b"])) == ["b", None]
    assert named_values(b.proc_time(elapsed=2.5))["elapsed"] == 2.5
    values = named_values(b.named_list(a=b.chr("x"), z=None, a2=b.int_(1)))
    assert list(values) == ["a", "z", "a2"] and values["z"] is None
    assert values["a"].tolist() == ["x"] and values["a2"].tolist() == [1]
    with pytest.raises(UnsupportedObjectError):
        strings(b.dbl(1.0))
