"""The summary of a sweep: one netCDF file (`summary.nc`) with a `run` dimension whose
coordinates are the parameters, the design point and the seed, holding each output's yearly
means and headline number, and, for a sobol design, the Sobol indices of the headlines.

Run files are read one at a time; only the summary's own arrays are held in memory.
"""
from __future__ import annotations

import os
import sys

import h5py
import numpy as np
import xarray as xr

from .outputs import OUTPUTS, dim_labels, read_labels, yearly
from .runner import load_state, result_path


def summarize(directory: str, out: str | None = None) -> tuple[str, int, int]:
    """Writes the summary; returns (its path, finished runs, all runs)."""
    state = load_state(directory)
    runs = state["runs"]
    count = len(runs)
    params = state["parameters"]
    names = [p["name"] for p in params]
    outputs = state["outputs"]
    out = out or os.path.join(directory, "summary.nc")

    present = [r["index"] for r in runs if os.path.exists(result_path(directory, r["index"],
                                                                          count))]
    # The year axis fits the longest run (runs may differ in `steps`).
    years = 0
    for index in present:
        with h5py.File(result_path(directory, index, count), "r") as f:
            step = f["series/step"]
            if step.shape[0]:
                spy = int(step.attrs["steps_per_year"])
                years = max(years, (int(step[-1]) - 1) // spy + 1)

    arrays: dict[str, np.ndarray] = {}
    headlines = {name: np.full(count, np.nan) for name in outputs}
    coords_labels: dict[str, list[str]] = {}
    finished = np.zeros(count, dtype=bool)
    for index in present:
        with h5py.File(result_path(directory, index, count), "r") as f:
            series = f["series"]
            if series["step"].shape[0] == 0:
                continue
            labels = read_labels(series)
            for name in outputs:
                values, headline = yearly(series, labels, name)
                if name not in arrays:
                    for dim in OUTPUTS[name].dims:
                        coords_labels.setdefault(dim, dim_labels(labels, dim))
                    arrays[name] = np.full((count, years) + values.shape[1:], np.nan)
                arrays[name][index, :values.shape[0]] = values
                headlines[name][index] = headline
            finished[index] = True

    coords: dict[str, tuple] = {
        "run": ("run", np.arange(count)),
        "point": ("run", np.array([r["point"] for r in runs])),
        "seed": ("run", np.array([r["seed"] for r in runs], dtype=np.int64)),
        "year": ("year", np.arange(1, years + 1)),
    }
    for number, name in enumerate(names):
        coords[name] = ("run", _column([r["values"][number] for r in runs]))
    for dim, labels in coords_labels.items():
        coords[dim] = (dim, np.array(labels, dtype=object))

    data: dict[str, tuple] = {"finished": ("run", finished)}
    for name in outputs:
        output = OUTPUTS[name]
        if name in arrays:
            data[name] = (("run", "year") + output.dims, arrays[name],
                          {"long_name": output.long_name, "units": output.units})
        data[f"{name}_last"] = ("run", headlines[name],
                                {"long_name": output.headline_name, "units": output.units})

    dataset = xr.Dataset(data, coords=coords)
    dataset.attrs.update({"plan": state["plan"], "plan_text": state["plan_text"],
                          "scenario": state["scenario"], "design": state["design"],
                          "parameters": " ".join(names), "parameter_paths":
                          " ".join(p["path"] for p in params),
                          "runs_finished": int(finished.sum()), "runs": count})
    if state["design"] == "sobol":
        _sobol(dataset, state, outputs, finished)

    tmp = f"{out}.{os.getpid()}.tmp"
    dataset.to_netcdf(tmp, engine="h5netcdf")
    os.replace(tmp, out)
    return out, int(finished.sum()), count


def _column(values: list) -> np.ndarray:
    if all(isinstance(v, bool) for v in values):
        return np.array(values, dtype=bool)
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return np.array(values, dtype=np.int64)
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return np.array(values, dtype=np.float64)
    return np.array([str(v) for v in values], dtype=object)


def _sobol(dataset: xr.Dataset, state: dict, outputs: list[str], finished: np.ndarray) -> None:
    """First-order and total Sobol indices (SALib) of each headline, its mean over seeds."""
    from SALib.analyze import sobol

    if not finished.all():
        print(f"sweep: Sobol indices left out: {int((~finished).sum())} runs not finished",
              file=sys.stderr)
        return
    params = state["parameters"]
    problem = {"num_vars": len(params), "names": [p["name"] for p in params],
               "bounds": [[p["low"], p["high"]] for p in params]}
    dataset.coords["parameter"] = ("parameter", np.array(problem["names"], dtype=object))
    for name in outputs:
        y = dataset[f"{name}_last"].groupby("point").mean().values
        if not np.isfinite(y).all():
            print(f"sweep: Sobol indices of {name} left out: a headline is not finite",
                  file=sys.stderr)
            continue
        indices = sobol.analyze(problem, y, calc_second_order=state["second_order"],
                                print_to_console=False, seed=1)
        for key, what in (("S1", "first-order"), ("ST", "total"),
                          ("S1_conf", "first-order, 95% confidence half-width"),
                          ("ST_conf", "total, 95% confidence half-width")):
            dataset[f"{name}_last_{key}"] = ("parameter", np.asarray(indices[key]),
                                             {"long_name": f"{what} Sobol index of "
                                                           f"{name}_last (mean over seeds)"})
