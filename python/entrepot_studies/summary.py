"""The summary of a sweep: one netCDF file (`summary.nc`) with a `run` dimension whose
coordinates are the parameters, the design point and the seed, holding each output's yearly
means and headline number, and, for a sobol or morris design, the sensitivity indices of the
headlines (Sobol indices, Morris elementary effects).

Run files are read one at a time; only the summary's own arrays are held in memory.
"""
from __future__ import annotations

import os
import sys

import h5py
import numpy as np
import xarray as xr

from .outputs import (OUTPUTS, SeriesOutput, dim_labels, read_labels, series_attrs,
                      series_labels, yearly, yearly_series)
from .runner import failure_reasons, load_state, result_path


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

    custom = {o["name"]: SeriesOutput(o["name"], o["series"], tuple(o["sum"]), o["headline"])
              for o in state.get("series_outputs", [])}
    arrays: dict[str, np.ndarray] = {}
    dims: dict[str, tuple[str, ...]] = {name: OUTPUTS[name].dims for name in outputs
                                        if name not in custom}
    attrs: dict[str, tuple[dict, str]] = {
        name: ({"long_name": OUTPUTS[name].long_name, "units": OUTPUTS[name].units},
               OUTPUTS[name].headline_name) for name in outputs if name not in custom}
    headlines = {name: np.full(count, np.nan) for name in outputs}
    coords_labels: dict[str, list] = {}
    finished = np.zeros(count, dtype=bool)
    for index in present:
        path = result_path(directory, index, count)
        with h5py.File(path, "r") as f:
            series = f["series"]
            if series["step"].shape[0] == 0:
                continue
            labels = read_labels(series)
            for name in outputs:
                if name in custom:
                    values, headline, kept = yearly_series(series, labels, custom[name], path)
                    if name not in arrays:
                        dims[name] = kept
                        attrs[name] = series_attrs(series, custom[name])
                        for dim in kept:
                            coords_labels.setdefault(dim, series_labels(series, custom[name],
                                                                        dim))
                else:
                    values, headline = yearly(series, labels, name)
                    if name not in arrays:
                        for dim in dims[name]:
                            coords_labels.setdefault(dim, dim_labels(labels, dim))
                if name not in arrays:
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
        kind = object if labels and isinstance(labels[0], str) else None
        coords[dim] = (dim, np.array(labels, dtype=kind))

    # Why each failed run failed (the first line of its log), "" for the others.
    reasons = failure_reasons(directory, count)
    failure = np.array([reasons.get(i, "") for i in range(count)], dtype=object)
    data: dict[str, tuple] = {"finished": ("run", finished),
                              "failure": ("run", failure, {"long_name": "why the run failed "
                                                           "(empty: finished or pending)"})}
    for name in outputs:
        about, headline_name = attrs.get(name, ({"long_name": name, "units": ""}, ""))
        if name in arrays:
            data[name] = (("run", "year") + dims[name], arrays[name], about)
        data[f"{name}_last"] = ("run", headlines[name],
                                {"long_name": headline_name or f"headline of {name}",
                                 "units": about["units"]})

    dataset = xr.Dataset(data, coords=coords)
    dataset.attrs.update({"plan": state["plan"], "plan_text": state["plan_text"],
                          "scenario": state["scenario"], "design": state["design"],
                          "parameters": " ".join(names), "parameter_paths":
                          " ".join(p["path"] for p in params),
                          "runs_finished": int(finished.sum()), "runs": count,
                          "runs_failed": len(reasons)})
    add_indices(dataset, state, outputs, finished)

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


def sobol_indices(problem: dict, y: np.ndarray, second_order: bool) -> dict:
    """First-order and total Sobol indices (SALib) of one output over the design's points."""
    from SALib.analyze import sobol

    return sobol.analyze(problem, y, calc_second_order=second_order, print_to_console=False,
                         seed=1)


def morris_indices(problem: dict, x: np.ndarray, y: np.ndarray, levels: int) -> dict:
    """Morris elementary-effect indices (SALib) of one output; x: the unrounded sample."""
    from SALib.analyze import morris

    return morris.analyze(problem, x, y, num_levels=levels, print_to_console=False, seed=1)


SOBOL = (("S1", "first-order Sobol index"), ("ST", "total Sobol index"),
         ("S1_conf", "first-order Sobol index, 95% confidence half-width"),
         ("ST_conf", "total Sobol index, 95% confidence half-width"))
MORRIS = (("mu", "Morris mean elementary effect"),
          ("mu_star", "Morris mean absolute elementary effect"),
          ("sigma", "Morris standard deviation of the elementary effects"),
          ("mu_star_conf", "Morris mean absolute elementary effect, 95% confidence "
                           "half-width"))


def add_indices(dataset: xr.Dataset, state: dict, outputs: list[str],
                finished: np.ndarray) -> None:
    """The sobol or morris design's indices of each headline `<output>_last`, computed of its
    mean over seeds at each design point; left out unless every run is finished."""
    design = state["design"]
    if design not in ("sobol", "morris"):
        return
    kind = "Sobol" if design == "sobol" else "Morris"
    if not finished.all():
        print(f"sweep: {kind} indices left out: {int((~finished).sum())} runs not finished",
              file=sys.stderr)
        return
    params = state["parameters"]
    problem = {"num_vars": len(params), "names": [p["name"] for p in params],
               "bounds": [[p["low"], p["high"]] for p in params]}
    if design == "morris":
        from .design import sample
        x = sample("morris", problem, state["samples"], False, state.get("levels", 4),
                   state.get("sample_seed", 1))
    dataset.coords["parameter"] = ("parameter", np.array(problem["names"], dtype=object))
    for name in outputs:
        y = dataset[f"{name}_last"].groupby("point").mean().values
        if not np.isfinite(y).all():
            print(f"sweep: {kind} indices of {name} left out: a headline is not finite",
                  file=sys.stderr)
            continue
        if design == "sobol":
            indices, keys = sobol_indices(problem, y, state["second_order"]), SOBOL
        else:
            indices, keys = morris_indices(problem, x, y, state.get("levels", 4)), MORRIS
        for key, what in keys:
            dataset[f"{name}_last_{key}"] = ("parameter", np.asarray(indices[key], dtype=float),
                                             {"long_name": f"{what} of {name}_last (mean over "
                                                           f"seeds)"})
