"""docs/workshop.md, "how to read the charts": the headline outcomes and the note on shocks."""

from __future__ import annotations

from docgen.core import Context, block, wrap
from docgen.wording import fmt

# The outcomes the guide explains, in its order (a workshop's headline comparisons).
HEADLINE = (
    "harm",
    "response_delay",
    "unmet_need_days_vulnerable",
    "missed_windows",
    "buck_passing_events",
    "unneeded_measures",
)

_BETTER = {
    "zh": {"lower": "越低越好", "higher": "越高越好", "neither": "本身无好坏之分"},
    "en": {
        "lower": "lower is better",
        "higher": "higher is better",
        "neither": "neither direction is better in itself",
    },
}


def _outcomes(lang: str) -> str:
    from coop_agents.outcome_registry import OUTCOMES

    missing = [n for n in HEADLINE if n not in OUTCOMES]
    if missing:
        print(f"make docs: workshop: {', '.join(missing)} not in the outcome registry; left out")
    names = list(OUTCOMES)
    lines = []
    for name in (n for n in HEADLINE if n in OUTCOMES):
        o = OUTCOMES[name]
        meaning = o.meaning_zh if lang == "zh" else o.meaning_en
        # "The same, for ..." refers to the outcome before it in the registry: say it in full.
        prev = OUTCOMES[names[names.index(name) - 1]] if names.index(name) else None
        if prev is not None and lang == "en" and meaning.startswith("The same, "):
            meaning = prev.meaning_en.rstrip(".") + "; " + meaning[len("The same, ") :]
        elif prev is not None and lang == "zh" and meaning.startswith("同上，"):
            meaning = prev.meaning_zh.rstrip("。") + "；" + meaning[len("同上，") :]
        censoring = o.censoring_zh if lang == "zh" else o.censoring_en
        if censoring:
            meaning += ("" if lang == "zh" else " ") + censoring
        if lang == "zh":
            lines.append(f"  - **{o.label_zh}**（{o.unit_zh}；{_BETTER['zh'][o.better]}）：{meaning}")
        else:
            lines.append(wrap(f"  - *{o.label_en}* ({o.unit}; {_BETTER['en'][o.better]}): {meaning}"))
    head = (
        "- **主要指标的含义**（与软件和简报中的定义相同）："
        if lang == "zh"
        else "- **What the main outcomes mean** (the definitions the app and the brief use):"
    )
    return "\n".join([head, *lines])


@block("workshop", "workshop-outcomes-zh", cheap=True)
def outcomes_zh(ctx: Context) -> str:
    return _outcomes("zh")


@block("workshop", "workshop-outcomes-en", cheap=True)
def outcomes_en(ctx: Context) -> str:
    return _outcomes("en")


def _containment_spread(ctx: Context) -> tuple[float, float, int]:
    """Across the preset patterns, how far apart the mean containment times of a shock lie.

    From the ``patterns_hazards_profiles`` experiment: per community type, the largest minus the
    smallest pattern mean; the largest of those, the largest of the same spreads for harm as a
    share of its mean (for contrast), and the replicates.
    """
    from docgen.experiments import results

    r = results(ctx, "patterns_hazards_profiles")
    s = r.summary(["containment_time", "harm"])
    s = s.merge(r.ok.groupby("arm_id")[["hazard", "profile", "pattern"]].first().reset_index(), on="arm_id")
    shock = s[s["hazard"] == "shock"]
    spread = 0.0
    harm_spread = 0.0
    for _, g in shock.groupby("profile"):
        c = g[g["outcome"] == "containment_time"]["mean"]
        h = g[g["outcome"] == "harm"]["mean"]
        spread = max(spread, float(c.max() - c.min()))
        harm_spread = max(harm_spread, float((h.max() - h.min()) / h.mean()))
    return spread, harm_spread, int(r.ok["replicate"].nunique())


@block("workshop", "workshop-shock-zh", cheap=False)
def shock_zh(ctx: Context) -> str:
    spread, _, _ = _containment_spread(ctx)
    if spread == 0:
        same = (
            "因此“控制时间”在各模式之间相同（在 `patterns_hazards_profiles` 实验中，各模式的平均值完全一致）"
        )
    elif spread < 1:
        same = (
            f"因此“控制时间”在各模式之间几乎相同（在 `patterns_hazards_profiles` 实验中，各模式的平均值相差不到 "
            f"{fmt(max(spread, 0.1), 1)} 天）"
        )
    else:
        same = (
            f"但各模式的“控制时间”仍可能相差数天（在 `patterns_hazards_profiles` 实验中最多相差 {fmt(spread, 1)} 天），"
            f"这主要反映灾害本身的进程"
        )
    return (
        f"- **冲击类情景的注意事项。** 对山洪、泄漏和热浪，冲击何时结束由灾害本身决定，{same}；"
        f"应重点比较受影响人数、重症、响应延迟和弱势居民未满足的需求。"
    )


@block("workshop", "workshop-shock-en", cheap=False)
def shock_en(ctx: Context) -> str:
    spread, _, _ = _containment_spread(ctx)
    if spread == 0:
        same = (
            "so containment time is the same under every pattern (in the `patterns_hazards_profiles` "
            "experiment every pattern's mean is the same)"
        )
    elif spread < 1:
        same = (
            f"so containment time is about the same under every pattern (in the `patterns_hazards_profiles` "
            f"experiment the patterns' means lie within {fmt(max(spread, 0.1), 1)} days of each other)"
        )
    else:
        same = (
            f"yet the patterns' containment times can still differ by days (up to {fmt(spread, 1)} in the "
            f"`patterns_hazards_profiles` experiment), mostly through the hazard's own course"
        )
    return wrap(
        f"- **Shock scenarios.** In a flash flood, a leak or a heatwave, the hazard itself decides when it "
        f"ends, {same}; compare harm, severe harm, response delay and the unmet needs of vulnerable residents "
        f"instead."
    )
