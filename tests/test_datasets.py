"""pykerasnip.datasets equal R's data sets bit for bit, with R's column types."""
from __future__ import annotations

import filecmp
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pykerasnip import datasets, rds
from pykerasnip.convert import to_python
from r_oracle import requires_r, run_r, run_r_script

R_DIR = Path(__file__).parent / "r"
LOADERS = {"mtcars": datasets.mtcars, "iris": datasets.iris, "penguins": datasets.penguins}
PACKAGES = {"mtcars": "datasets", "iris": "datasets", "penguins": "palmerpenguins"}


requires_r_data = requires_r(*sorted(set(PACKAGES.values())))


@pytest.fixture(scope="module")
def r_data(tmp_path_factory) -> Path:
    """R's own data sets saved as .rds, and the CSVs the generator script writes today."""
    directory = tmp_path_factory.mktemp("r_data")
    run_r_script(R_DIR / "convert_datasets.R", directory)
    run_r('for (i in seq_along(names)) saveRDS(getExportedValue(packages[[i]], names[[i]]), '
          'file.path(directory, paste0(names[[i]], ".rds")))',
          inputs={"names": list(PACKAGES), "packages": list(PACKAGES.values()), "directory": directory})
    return directory


@requires_r_data
@pytest.mark.parametrize("name", list(LOADERS))
def test_equals_r_bit_for_bit(r_data, name):
    ours = LOADERS[name]()
    theirs = to_python(rds.load(r_data / f"{name}.rds"))
    pd.testing.assert_frame_equal(ours, theirs, check_exact=True)
    floats = ours.select_dtypes("float64").to_numpy()
    present = ~np.isnan(floats)  # pandas has one missing value; R's NA bits are not kept
    theirs_floats = theirs[ours.select_dtypes("float64").columns].to_numpy()
    np.testing.assert_array_equal(floats[present].view("u8"), theirs_floats[present].view("u8"))


@requires_r_data
@pytest.mark.parametrize("name", list(LOADERS))
def test_bundled_csv_is_what_the_generator_writes(r_data, name):
    bundled = Path(datasets.__file__).parent / f"{name}.csv"
    assert filecmp.cmp(bundled, r_data / f"{name}.csv", shallow=False)


def test_types_and_shapes():
    mt, ir, pg = datasets.mtcars(), datasets.iris(), datasets.penguins()
    assert mt.shape == (32, 11) and (mt.dtypes == np.float64).all()
    assert mt.loc["Mazda RX4", "mpg"] == 21.0 and "model" not in mt.columns
    assert ir.shape == (150, 5) and list(ir["Species"].cat.categories) == [
        "setosa", "versicolor", "virginica"]
    assert (ir.dtypes.iloc[:4] == np.float64).all() and ir["Species"].value_counts().eq(50).all()
    assert pg.shape == (344, 8) and pg["body_mass_g"].dtype == "Int32"
    assert pg.isna().sum().to_dict()["sex"] == 11
