"""The plan file of a sweep: which scenario, which parameters over which values, which design
and seeds, which outputs.

Every error names the place in the file as `file:line:col: what is wrong; what is allowed`
(PlanError), like the scenario errors of `entrepot validate`.
"""
from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from typing import Any

import yaml

from .outputs import DEFAULT_OUTPUTS, OUTPUTS, SeriesOutput

DESIGNS = ("grid", "lhs", "sobol", "morris")
TOP_KEYS = ("scenario", "set", "parameters", "design", "samples", "sample_seed",
            "second_order", "levels", "seeds", "outputs")
PARAMETER_KEYS = ("path", "name", "values", "range", "points", "integer")
SERIES_OUTPUT_KEYS = ("series", "name", "sum", "headline")
# Names the summary uses for its own coordinates and variables.
RESERVED = ("run", "point", "seed", "year", "finished", "parameter", "step", "country",
            "exporter", "importer", "region", "sector", "holder")


class PlanError(Exception):
    """A plan that cannot be used; the message starts with `file:line:col: `."""


@dataclass
class Parameter:
    path: str                          # a `--set` path, e.g. behaviour.search_probability
    name: str                          # the coordinate's name in the summary (default: path)
    values: list[Any] | None = None    # the given values (grid), typed as YAML reads them
    texts: list[str] | None = None     # the same values as `--set` text, as written
    low: float | None = None           # range (lhs, sobol; grid with `points`)
    high: float | None = None
    points: int | None = None          # grid over a range: evenly spaced points
    integer: bool = False              # sampled values rounded to whole numbers


@dataclass
class Plan:
    path: str                          # the plan file
    text: str                          # its text, as read
    scenario: str                      # absolute path of the scenario file
    fixed: list[tuple[str, str]]       # `set:` overrides, (path, value text), in file order
    parameters: list[Parameter]
    design: str = "grid"
    samples: int | None = None
    sample_seed: int = 1
    second_order: bool = False
    levels: int = 4                    # morris: grid levels of each parameter
    seeds: list[int] = field(default_factory=lambda: [1])
    outputs: list[str] = field(default_factory=lambda: list(DEFAULT_OUTPUTS))
    series_outputs: list[SeriesOutput] = field(default_factory=list)   # among `outputs`


def _where(path: str, node: yaml.Node) -> str:
    mark = node.start_mark
    return f"{path}:{mark.line + 1}:{mark.column + 1}"


def _construct(node: yaml.Node) -> Any:
    return yaml.constructor.SafeConstructor().construct_object(node, deep=True)


def _unknown_key(path: str, key: yaml.Node, allowed: tuple[str, ...], what: str) -> PlanError:
    close = difflib.get_close_matches(str(key.value), allowed, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return PlanError(f"{_where(path, key)}: unknown key '{key.value}' in {what}{hint}; "
                     f"allowed: {', '.join(allowed)}")


def _mapping(path: str, node: yaml.Node, what: str) -> list[tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        raise PlanError(f"{_where(path, node)}: {what} is not a map; allowed: a map of keys "
                        f"to values")
    seen: set[str] = set()
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise PlanError(f"{_where(path, key)}: a key in {what} is not a name; allowed: "
                            f"plain names")
        if key.value in seen:
            raise PlanError(f"{_where(path, key)}: key '{key.value}' appears twice in {what}; "
                            f"allowed: each key once")
        seen.add(key.value)
    return node.value


def _scalar_text(path: str, node: yaml.Node, what: str) -> str:
    """A value as `--set` text: a scalar as written, a flat list as `[a, b]`."""
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    if isinstance(node, yaml.SequenceNode) and all(isinstance(n, yaml.ScalarNode)
                                                    for n in node.value):
        return "[" + ", ".join(str(n.value) for n in node.value) + "]"
    raise PlanError(f"{_where(path, node)}: {what} is not a value; allowed: a number, a text, "
                    f"true/false or a flat list")


def _number(path: str, node: yaml.Node, what: str) -> float:
    value = _construct(node) if isinstance(node, yaml.ScalarNode) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value \
            or value in (float("inf"), float("-inf")):
        raise PlanError(f"{_where(path, node)}: {what} is {_describe(node)}; allowed: a finite "
                        f"number")
    return value


def _whole(path: str, node: yaml.Node, what: str, least: int) -> int:
    value = _construct(node) if isinstance(node, yaml.ScalarNode) else None
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise PlanError(f"{_where(path, node)}: {what} is {_describe(node)}; allowed: a whole "
                        f"number >= {least}")
    return value


def _flag(path: str, node: yaml.Node, what: str) -> bool:
    value = _construct(node) if isinstance(node, yaml.ScalarNode) else None
    if not isinstance(value, bool):
        raise PlanError(f"{_where(path, node)}: {what} is {_describe(node)}; allowed: true or "
                        f"false")
    return value


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return f"'{node.value}'" if node.value != "" else "empty"
    return "a list" if isinstance(node, yaml.SequenceNode) else "a map"


def _keyed(path: str, node: yaml.Node, allowed: tuple[str, ...],
           what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """A map whose keys are all among `allowed`: key name -> (key node, value node)."""
    items = {}
    for key, value in _mapping(path, node, what):
        if key.value not in allowed:
            raise _unknown_key(path, key, allowed, what)
        items[key.value] = (key, value)
    return items


def _parameter(path: str, node: yaml.Node, names: set[str]) -> Parameter:
    items = _keyed(path, node, PARAMETER_KEYS, "a parameter")
    if "path" not in items:
        raise PlanError(f"{_where(path, node)}: a parameter without 'path'; allowed: path (a "
                        f"--set path such as behaviour.search_probability) with values or range")
    path_node = items["path"][1]
    if not isinstance(path_node, yaml.ScalarNode) or not str(path_node.value).strip() \
            or "=" in str(path_node.value) or " " in str(path_node.value):
        raise PlanError(f"{_where(path, path_node)}: path is {_describe(path_node)}; allowed: a "
                        f"--set path such as behaviour.search_probability")
    param = Parameter(path=str(path_node.value), name=str(path_node.value))
    if "name" in items:
        name_node = items["name"][1]
        if not isinstance(name_node, yaml.ScalarNode) or not str(name_node.value).strip():
            raise PlanError(f"{_where(path, name_node)}: name is {_describe(name_node)}; "
                            f"allowed: a text")
        param.name = str(name_node.value)
    if param.name in names or param.name in ("run", "seed", "point"):
        where = items["name"][1] if "name" in items else path_node
        raise PlanError(f"{_where(path, where)}: parameter name '{param.name}' is taken; "
                        f"allowed: a name other than run, seed, point and the other parameters")
    names.add(param.name)

    if ("values" in items) == ("range" in items):
        raise PlanError(f"{_where(path, node)}: parameter {param.path} needs either values or "
                        f"range; allowed: values: [a, b, ...] or range: [low, high]")
    if "values" in items:
        values = items["values"][1]
        if not isinstance(values, yaml.SequenceNode) or not values.value:
            raise PlanError(f"{_where(path, values)}: values of {param.path} is "
                            f"{_describe(values)}; allowed: a non-empty list")
        param.texts = [_scalar_text(path, v, f"a value of {param.path}") for v in values.value]
        param.values = [_construct(v) for v in values.value]
        for key in ("points", "integer"):
            if key in items:
                raise PlanError(f"{_where(path, items[key][0])}: '{key}' goes with range, not "
                                f"values; allowed: values alone")
    else:
        bounds = items["range"][1]
        if not isinstance(bounds, yaml.SequenceNode) or len(bounds.value) != 2:
            raise PlanError(f"{_where(path, bounds)}: range of {param.path} is "
                            f"{_describe(bounds)}; allowed: [low, high]")
        param.low = _number(path, bounds.value[0], f"the low end of {param.path}'s range")
        param.high = _number(path, bounds.value[1], f"the high end of {param.path}'s range")
        if not param.low < param.high:
            raise PlanError(f"{_where(path, bounds)}: range of {param.path} is "
                            f"[{param.low}, {param.high}]; allowed: low < high")
        if "points" in items:
            param.points = _whole(path, items["points"][1], "points", 2)
        if "integer" in items:
            param.integer = _flag(path, items["integer"][1], "integer")
    return param


def _plain_name(path: str, node: yaml.Node, what: str) -> str:
    text = str(node.value) if isinstance(node, yaml.ScalarNode) else ""
    if not text or not all(c.isalnum() or c == "_" for c in text):
        raise PlanError(f"{_where(path, node)}: {what} is {_describe(node)}; allowed: a name "
                        f"of letters, digits and _")
    return text


def _series_output(path: str, node: yaml.Node) -> SeriesOutput:
    """`{series: NAME, name: NAME, sum: [DIMENSION, ...], headline: sum | mean}`."""
    items = _keyed(path, node, SERIES_OUTPUT_KEYS, "an output")
    if "series" not in items:
        raise PlanError(f"{_where(path, node)}: an output without 'series'; allowed: series: "
                        f"a variable of the run files' /series (docs/output.md)")
    series = _plain_name(path, items["series"][1], "series")
    name = _plain_name(path, items["name"][1], "name") if "name" in items else series
    summed: list[str] = []
    if "sum" in items:
        sum_node = items["sum"][1]
        if not isinstance(sum_node, yaml.SequenceNode):
            raise PlanError(f"{_where(path, sum_node)}: sum is {_describe(sum_node)}; allowed: "
                            f"a list of the series' dimensions, e.g. [exporter, sector]")
        for dim in sum_node.value:
            text = _plain_name(path, dim, "a dimension in sum")
            if text == "step":
                raise PlanError(f"{_where(path, dim)}: sum names 'step'; allowed: the "
                                f"series' other dimensions (steps become yearly means)")
            if text in summed:
                raise PlanError(f"{_where(path, dim)}: sum names '{text}' twice; allowed: "
                                f"each dimension once")
            summed.append(text)
    headline = "sum"
    if "headline" in items:
        head_node = items["headline"][1]
        if not isinstance(head_node, yaml.ScalarNode) or head_node.value not in ("sum", "mean"):
            raise PlanError(f"{_where(path, head_node)}: headline is {_describe(head_node)}; "
                            f"allowed: sum or mean (of the last year's values)")
        headline = head_node.value
    return SeriesOutput(name=name, series=series, sum=tuple(summed), headline=headline)


def load_plan(path: str) -> Plan:
    """Reads and checks a plan file; raises PlanError."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise PlanError(f"{path}: cannot read the plan: {e.strerror}") from None
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        raise PlanError(f"{where}: not valid YAML ({getattr(e, 'problem', e)}); allowed: a "
                        f"YAML map (docs/studies.md)") from None
    if root is None:
        raise PlanError(f"{path}:1:1: the plan is empty; allowed: a map with scenario, "
                        f"parameters, seeds, ...")
    items = _keyed(path, root, TOP_KEYS, "the plan")

    for required in ("scenario", "parameters"):
        if required not in items:
            raise PlanError(f"{_where(path, root)}: the plan has no '{required}'; allowed: "
                            f"scenario (a scenario file) and parameters (a list) are required")

    scenario_node = items["scenario"][1]
    if not isinstance(scenario_node, yaml.ScalarNode) or not scenario_node.value:
        raise PlanError(f"{_where(path, scenario_node)}: scenario is "
                        f"{_describe(scenario_node)}; allowed: the path of a scenario file")
    scenario = os.path.join(os.path.dirname(os.path.abspath(path)), scenario_node.value)
    if not os.path.isfile(scenario):
        raise PlanError(f"{_where(path, scenario_node)}: scenario file '{scenario_node.value}' "
                        f"not found (looked for {scenario}); allowed: a path relative to the "
                        f"plan file, or absolute")

    fixed: list[tuple[str, str]] = []
    fixed_keys: list[yaml.Node] = []
    if "set" in items and not (isinstance(items["set"][1], yaml.ScalarNode)
                               and items["set"][1].value == ""):
        for key, value in _mapping(path, items["set"][1], "set"):
            fixed.append((str(key.value), _scalar_text(path, value, f"set.{key.value}")))
            fixed_keys.append(key)

    params_node = items["parameters"][1]
    if not isinstance(params_node, yaml.SequenceNode) or not params_node.value:
        raise PlanError(f"{_where(path, params_node)}: parameters is {_describe(params_node)}; "
                        f"allowed: a non-empty list of {{path, values | range}}")
    names: set[str] = set()
    parameters = [_parameter(path, p, names) for p in params_node.value]
    paths = [p.path for p in parameters]
    for key in fixed_keys:
        if key.value in paths:
            raise PlanError(f"{_where(path, key)}: {key.value} is both fixed in set and a "
                            f"parameter; allowed: one of the two")
    for number, p in enumerate(parameters):
        if p.path in paths[:number]:
            raise PlanError(f"{_where(path, params_node.value[number])}: parameter {p.path} "
                            f"appears twice; allowed: each path once")

    plan = Plan(path=path, text=text, scenario=scenario, fixed=fixed, parameters=parameters)

    if "design" in items:
        node = items["design"][1]
        if not isinstance(node, yaml.ScalarNode) or node.value not in DESIGNS:
            raise PlanError(f"{_where(path, node)}: design is {_describe(node)}; allowed: "
                            f"{', '.join(DESIGNS)}")
        plan.design = node.value
    design_node = items["design"][1] if "design" in items else root
    if plan.design == "grid":
        for key in ("samples", "second_order", "levels"):
            if key in items:
                raise PlanError(f"{_where(path, items[key][0])}: '{key}' goes with the "
                                f"sampled designs; allowed: no {key} with design grid")
        for p, node in zip(parameters, params_node.value):
            if p.values is None and p.points is None:
                raise PlanError(f"{_where(path, node)}: parameter {p.path} has a range but no "
                                f"points; allowed in a grid: values, or range with points: N")
    else:
        if "samples" not in items:
            raise PlanError(f"{_where(path, design_node)}: design {plan.design} needs "
                            f"'samples'; allowed: samples: N (a whole number >= 1)")
        plan.samples = _whole(path, items["samples"][1], "samples",
                              2 if plan.design == "morris" else 1)
        for p, node in zip(parameters, params_node.value):
            if p.values is not None or p.points is not None:
                raise PlanError(f"{_where(path, node)}: parameter {p.path} in design "
                                f"{plan.design} gives {'values' if p.values else 'points'}; "
                                f"allowed: range: [low, high] (and integer: true)")
        if plan.design == "sobol":
            n = plan.samples
            if n & (n - 1):
                raise PlanError(f"{_where(path, items['samples'][1])}: samples is {n} in "
                                f"design sobol; allowed: a power of 2 (Saltelli's scheme)")
            if "second_order" in items:
                plan.second_order = _flag(path, items["second_order"][1], "second_order")
        elif "second_order" in items:
            raise PlanError(f"{_where(path, items['second_order'][0])}: 'second_order' goes "
                            f"with design sobol; allowed: no second_order with design "
                            f"{plan.design}")
        if plan.design == "morris" and "levels" in items:
            node = items["levels"][1]
            levels = _construct(node) if isinstance(node, yaml.ScalarNode) else None
            if isinstance(levels, bool) or not isinstance(levels, int) or levels < 2 \
                    or levels % 2:
                raise PlanError(f"{_where(path, node)}: levels is {_describe(node)}; allowed: "
                                f"an even whole number >= 2 (Morris' grid levels)")
            plan.levels = levels
        elif "levels" in items:
            raise PlanError(f"{_where(path, items['levels'][0])}: 'levels' goes with design "
                            f"morris; allowed: no levels with design {plan.design}")
    if "sample_seed" in items:
        plan.sample_seed = _whole(path, items["sample_seed"][1], "sample_seed", 0)

    if "seeds" in items:
        node = items["seeds"][1]
        if isinstance(node, yaml.SequenceNode):
            seeds = [_whole(path, s, "a seed", 0) for s in node.value]
            if not seeds or len(set(seeds)) != len(seeds):
                raise PlanError(f"{_where(path, node)}: seeds is {_describe(node)} with "
                                f"{'no' if not seeds else 'repeated'} seeds; allowed: a "
                                f"non-empty list of distinct whole numbers, or a count K "
                                f"(seeds 1..K)")
            plan.seeds = seeds
        else:
            plan.seeds = list(range(1, _whole(path, node, "seeds (a count)", 1) + 1))

    if "outputs" in items:
        node = items["outputs"][1]
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            raise PlanError(f"{_where(path, node)}: outputs is {_describe(node)}; allowed: a "
                            f"non-empty list of {', '.join(OUTPUTS)} or {{series: NAME, ...}}")
        plan.outputs = []
        taken = {p.name for p in parameters}
        for entry in node.value:
            if isinstance(entry, yaml.MappingNode):
                output = _series_output(path, entry)
                name, where = output.name, entry
                if name in OUTPUTS or name in RESERVED or name in taken:
                    raise PlanError(f"{_where(path, entry)}: output name '{name}' is taken; "
                                    f"allowed: a name (name: ...) other than the built-in "
                                    f"outputs, the parameters and {', '.join(RESERVED)}")
                plan.series_outputs.append(output)
            elif isinstance(entry, yaml.ScalarNode) and entry.value in OUTPUTS:
                name, where = entry.value, entry
            else:
                raise PlanError(f"{_where(path, entry)}: output {_describe(entry)} is unknown; "
                                f"allowed: {', '.join(OUTPUTS)} or {{series: NAME, sum: "
                                f"[DIMENSION, ...]}}")
            if name in plan.outputs:
                raise PlanError(f"{_where(path, where)}: output '{name}' appears "
                                f"twice; allowed: each output once")
            plan.outputs.append(name)
    return plan
