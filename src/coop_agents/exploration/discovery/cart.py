"""CART (scikit-learn's decision tree): its leaves as boxes, a second view of the same question."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from coop_agents.exploration.discovery.prim import MASS_MIN
from coop_agents.exploration.discovery.words import Condition

CART_DEPTH = 3


def _cart(x: pd.DataFrame, cases: np.ndarray) -> tuple[pd.DataFrame, str, Any]:
    """scikit-learn's CART on ``x`` (text factors one-hot): its leaves as boxes, and the tree."""
    from sklearn.tree import DecisionTreeClassifier, export_text

    categorical = [c for c in x.columns if x[c].dtype == object]
    encoded = pd.get_dummies(x, columns=categorical, prefix_sep="=").astype(float)
    names = list(encoded.columns)
    n = len(x)
    clf = DecisionTreeClassifier(
        max_depth=CART_DEPTH, min_samples_leaf=max(2, math.ceil(MASS_MIN * n)), random_state=0
    )
    clf.fit(encoded.to_numpy(), cases.astype(int))
    tree = clf.tree_
    leaf_of = clf.apply(encoded.to_numpy())
    total = int(cases.sum())
    rows = []

    def walk(node: int, bounds: dict, sets: dict) -> None:
        if tree.children_left[node] == -1:
            inside = leaf_of == node
            k, m = int(cases[inside].sum()), int(inside.sum())
            conds = []
            for f, (lo, hi) in bounds.items():
                conds.append(Condition(f, lo, hi, integer=pd.api.types.is_integer_dtype(x[f]), strict=True))
            for f, allowed in sets.items():
                conds.append(Condition(f, values=tuple(sorted(allowed, key=str))))
            rows.append(
                {
                    "leaf": node,
                    "n": m,
                    "cases": k,
                    "density": k / m if m else math.nan,
                    "coverage": k / total if total else math.nan,
                    "mass": m / n,
                    "rule_en": " and ".join(c.words("en") for c in conds) or "all runs",
                    "rule_zh": "且".join(c.words("zh") for c in conds) or "全部运行",
                }
            )
            return
        feature, thr = names[tree.feature[node]], float(tree.threshold[node])
        left, right = tree.children_left[node], tree.children_right[node]
        if "=" in feature and feature.split("=", 1)[0] in categorical:
            f, value = feature.split("=", 1)
            full = sets.get(f, set(x[f].unique()))
            walk(left, bounds, {**sets, f: full - {value}})  # not this value
            walk(right, bounds, {**sets, f: full & {value}})
        else:
            lo, hi = bounds.get(feature, (None, None))
            walk(left, {**bounds, feature: (lo, thr)}, sets)
            walk(right, {**bounds, feature: (thr, hi)}, sets)

    walk(0, {}, {})
    leaves = pd.DataFrame(rows).sort_values(["density", "coverage"], ascending=False, kind="stable")
    text = export_text(clf, feature_names=names, show_weights=True)
    return leaves.reset_index(drop=True), text, (clf, names)
