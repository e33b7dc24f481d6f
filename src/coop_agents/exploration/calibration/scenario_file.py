"""The fitted scenario file: the base scenario with the posterior medians, ready for ``--scenario``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from coop_agents.exploration._common import value_words


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    return json.dumps(str(v), ensure_ascii=False)


def _write_scenario(path: Path, sc, fitted: dict, overrides: dict, data_name: str, generations: int) -> Path:
    """A scenario file: the base scenario's parameters with the posterior medians; checked by loading it."""
    from coop_agents.scenarios import load_scenario

    params = {**sc.parameters, **overrides, **fitted}
    shown = ", ".join(f"{k} = {value_words(v)}" for k, v in fitted.items())
    lines = [
        f"name = {_toml_value(sc.name + '_fitted')}",
        f"title_en = {_toml_value(sc.title_en + ' (fitted)')}",
        f"title_zh = {_toml_value(sc.title_zh + '（拟合）')}",
        f"description = {_toml_value(f'{sc.name} with {shown}: posterior medians of an ABC-SMC fit ({generations} generations) to {data_name}.')}",
        f"description_zh = {_toml_value(f'{sc.name}，其中 {shown}：对 {data_name} 的 ABC-SMC 拟合（{generations} 代）的后验中位数。')}",
    ]
    if sc.structure is not None:
        lines.append(f"structure = {_toml_value(str(Path(sc.structure).resolve()))}")
    lines += ["", "[parameters]"] + [f"{k} = {_toml_value(v)}" for k, v in params.items()]
    for e in sc.events:
        lines += ["", "[[events]]", f"day = {e.day}", f"hazard = {_toml_value(e.hazard)}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load_scenario(path)  # a file that does not load is a bug here, not the user's
    return path
