"""Why the engine scored a pair as it did: the match weight of each field, as Splink's waterfall
chart shows it, laid out for a server-drawn SVG (no JavaScript) with a table of the same numbers.

A pair's match weight is the sum of a starting point (how likely any two records are one
person: the model's prior, negative) and each field's weight (how much more often one person's
two records agree at this level than two people's do, log2 of m over u, with how common a name
is folded into the name fields). The engine writes each field's weight into the pair's evidence;
the starting point is what is left of the pair's match weight.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from borough.singleview import labels

START = "Starting point"
#: Fill of each kind of bar (GOV.UK colours; the sign is also written beside every bar).
FILLS = {
    "start": "#505a5f",
    "for": "#00703c",
    "against": "#d4351c",
    "none": "#b1b4b6",
    "total": "#1d70b8",
}


def signed(value: float | None) -> str:
    """``+7.2``, ``−4.4`` (a real minus sign), ``0.0``."""
    if value is None:
        return ""
    value = round(float(value), 1)
    if value == 0:
        return "0.0"
    return f"+{value:.1f}" if value > 0 else f"\u2212{-value:.1f}"


#: Drawing size (SVG user units).
WIDTH, ROW, LABEL_WIDTH, PAD = 640, 28, 190, 12


@dataclass(frozen=True)
class Step:
    label: str
    level: str
    weight: float  # this step's weight (the total itself for the last row)
    before: float  # the running total before the step
    after: float
    total: bool = False
    # drawing
    y: int = 0
    x: float = 0.0
    width: float = 0.0
    text_x: float = 0.0

    @property
    def fill(self) -> str:
        return FILLS[self.direction]

    @property
    def direction(self) -> str:
        if self.total:
            return "total"
        if self.label == START:
            return "start"
        return "for" if self.weight > 0 else "against" if self.weight < 0 else "none"


@dataclass(frozen=True)
class Waterfall:
    steps: list[Step]
    match_weight: float
    match_probability: float
    height: int
    zero_x: float
    ticks: list[tuple[float, str]]  # (x, label)

    @property
    def summary(self) -> str:
        """One sentence for screen readers and the chart's description."""
        fors = [s.label for s in self.steps[1:-1] if s.weight > 0]
        against = [s.label for s in self.steps[1:-1] if s.weight < 0]
        parts = [
            f"Match weight {self.match_weight:+.1f} (probability {self.match_probability:.3f})."
        ]
        if fors:
            parts.append(f"For: {', '.join(fors)}.")
        if against:
            parts.append(f"Against: {', '.join(against)}.")
        return " ".join(parts)


def waterfall(
    evidence: list, match_weight: float | None, match_probability: float
) -> Waterfall | None:
    """The chart for a pair, or None when the engine wrote no weights (an older run)."""
    items = [
        item
        for item in evidence
        if isinstance(item, dict) and isinstance(item.get("weight"), (int, float))
    ]
    if not items or match_weight is None:
        return None
    fields = sum(float(item["weight"]) for item in items)
    start = match_weight - fields
    rows: list[tuple[str, str, float]] = [(START, "any two records", start)]
    rows += [
        (
            labels.field_label(str(item.get("field", ""))),
            labels.evidence_level(str(item.get("level", ""))),
            float(item["weight"]),
        )
        for item in items
    ]
    totals, running = [], 0.0
    for label, level, weight in rows:
        totals.append((label, level, weight, running, running + weight))
        running += weight
    totals.append(("Match weight", "the sum", match_weight, 0.0, match_weight))
    low = min(0.0, *(min(before, after) for *_, before, after in totals))
    high = max(0.0, *(max(before, after) for *_, before, after in totals))
    span = (high - low) or 1.0
    plot = WIDTH - LABEL_WIDTH - 2 * PAD - 40

    def x(value: float) -> float:
        return round(LABEL_WIDTH + PAD + (value - low) / span * plot, 1)

    steps = []
    for index, (label, level, weight, before, after) in enumerate(totals):
        left, right = sorted((x(before), x(after)))
        steps.append(
            Step(
                label=label,
                level=level,
                weight=weight,
                before=before,
                after=after,
                total=index == len(totals) - 1,
                y=PAD + index * ROW,
                x=left,
                width=max(right - left, 1.0),
                text_x=right + 4,
            )
        )
    step = 5 if span <= 40 else 10
    ticks = [
        (x(value), f"{value:+d}" if value else "0")
        for value in range(int(low // step) * step, int(high) + 1, step)
        if low <= value <= high
    ]
    return Waterfall(
        steps=steps,
        match_weight=match_weight,
        match_probability=match_probability,
        height=PAD * 2 + len(steps) * ROW + 20,
        zero_x=x(0.0),
        ticks=ticks,
    )


@dataclass(frozen=True)
class Bar:
    weight: float  # the bin's lower edge: pairs with weight in [weight, weight + 1)
    pairs: int
    linked: bool  # at or above the threshold
    x: float
    y: float
    height: float


@dataclass(frozen=True)
class Histogram:
    """A run's scored pairs by match weight, with the threshold the run chose."""

    bars: list[Bar]
    threshold: float | None  # a probability
    threshold_weight: float | None
    threshold_x: float | None
    bar_width: float
    ticks: list[tuple[float, str]]
    most: int

    @property
    def summary(self) -> str:
        total = sum(bar.pairs for bar in self.bars)
        linked = sum(bar.pairs for bar in self.bars if bar.linked)
        text = f"{total:,} pairs scored with a probability of 0.5 or more"
        if self.threshold is not None:
            text += (
                f"; the threshold, chosen from the data, is probability {self.threshold:.3f} "
                f"(match weight {signed(self.threshold_weight)}), and about {linked:,} pairs "
                "are at or above it"
            )
        return text + "."


#: Histogram drawing (SVG user units).
H_WIDTH, H_HEIGHT, H_LEFT, H_BOTTOM = 640, 220, 48, 28


def weight_histogram(bins: list, threshold: float | None) -> Histogram | None:
    """The histogram of a run's ``[[weight, pairs], ...]``, or None when the run has none."""
    rows = [(float(weight), int(pairs)) for weight, pairs in bins or [] if pairs]
    if not rows:
        return None
    threshold_weight = None
    if threshold is not None and 0 < threshold < 1:
        threshold_weight = math.log2(threshold / (1 - threshold))
    low = min(weight for weight, _ in rows)
    high = max(weight for weight, _ in rows) + 1
    span = (high - low) or 1.0
    plot_width = H_WIDTH - H_LEFT - 12
    plot_height = H_HEIGHT - H_BOTTOM - 12
    most = max(pairs for _, pairs in rows)

    def x(value: float) -> float:
        return round(H_LEFT + (value - low) / span * plot_width, 1)

    width = max(plot_width / span - 1, 1.0)
    bars = []
    for weight, pairs in rows:
        height = max(round(pairs / most * plot_height, 1), 1.0)
        bars.append(
            Bar(
                weight=weight,
                pairs=pairs,
                linked=threshold_weight is not None and weight + 1 > threshold_weight,
                x=x(weight),
                y=round(H_HEIGHT - H_BOTTOM - height, 1),
                height=height,
            )
        )
    step = 5 if span <= 40 else 10
    ticks = [
        (x(value), f"{value:+d}" if value else "0")
        for value in range(int(math.ceil(low / step) * step), int(high) + 1, step)
    ]
    return Histogram(
        bars=bars,
        threshold=threshold,
        threshold_weight=threshold_weight,
        threshold_x=x(threshold_weight) if threshold_weight is not None else None,
        bar_width=round(width, 1),
        ticks=ticks,
        most=most,
    )
