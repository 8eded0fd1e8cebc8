"""The dashboard's three native Excel charts and the small tables they are drawn from."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sheetsync.reporting.kpi import ALL, KpiReport
from sheetsync.reporting.watchlist import Item

OTD = "On-time delivery (OTD)"
DATA = "Chart data"


def write_chart_data(wb: Any, fmt: dict[str, Any], monthly: KpiReport, items: Sequence[Item],
                stages: dict[str, int]) -> dict[str, tuple[int, int]]:  # fmt: skip
    """Write the three chart tables; returns each table's (first, last) data row, and the top count."""
    ws = wb.add_worksheet(DATA)
    months = [(g, {m.name: m for m in ms}[OTD]) for g, ms in monthly.groups.items() if g != ALL]
    months = [(g, m) for g, m in months if m.denominator]
    ws.write_row(0, 0, ("Month", "On time", "Late", "OTD"), fmt["head"])
    for r, (month, m) in enumerate(months, start=1):
        on_time, delivered = m.numerator or 0, m.denominator or 0
        ws.write_row(r, 0, (month, on_time, delivered - on_time))
        ws.write(r, 3, m.value, fmt["pct"])
    overdue = Counter(i.coordinator or "(blank)" for i in items if i.overdue)
    ws.write_row(0, 5, ("Coordinator", "Overdue"), fmt["head"])
    for r, (who, n) in enumerate(sorted(overdue.items(), key=lambda kv: (-kv[1], kv[0])), start=1):
        ws.write_row(r, 5, (who, n))
    if not overdue:
        ws.write_row(1, 5, ("(none)", 0))
    ws.write_row(0, 8, ("Last milestone done", "Open orders"), fmt["head"])
    for r, (stage, n) in enumerate(stages.items(), start=1):
        ws.write_row(r, 8, (stage, n))
    ws.set_column(0, 9, 16)
    return {
        "months": (1, max(len(months), 1)),
        "overdue": (1, max(len(overdue), 1)),
        "stages": (1, len(stages)),
        "overdue_max": (0, max(overdue.values(), default=1)),
    }


def insert_charts(wb: Any, ws: Any, spans: dict[str, tuple[int, int]]) -> None:
    """Native Excel charts on the Chart data tables."""
    first, last = spans["months"]
    by_month = wb.add_chart({"type": "column", "subtype": "stacked"})
    for col, colour in ((1, "#70AD47"), (2, "#C00000")):
        by_month.add_series({
            "name": [DATA, 0, col], "categories": [DATA, first, 0, last, 0],
            "values": [DATA, first, col, last, col], "fill": {"color": colour},
        })  # fmt: skip
    by_month.set_title({"name": "Deliveries on time by month"})
    by_month.set_y_axis({"name": "Orders delivered"})
    ws.insert_chart("H3", by_month, {"x_scale": 1.2, "y_scale": 1.0})
    first, last = spans["overdue"]
    by_coordinator = wb.add_chart({"type": "bar"})
    by_coordinator.add_series({
        "name": "Overdue milestones", "categories": [DATA, first, 5, last, 5],
        "values": [DATA, first, 6, last, 6], "fill": {"color": "#C00000"},
    })  # fmt: skip
    by_coordinator.set_title({"name": "Overdue milestones by coordinator"})
    by_coordinator.set_legend({"none": True})
    step = max(1, -(-spans["overdue_max"][1] // 8))  # whole numbers, about eight gridlines
    by_coordinator.set_x_axis({"num_format": "0", "major_unit": step, "min": 0})
    ws.insert_chart("H19", by_coordinator, {"x_scale": 1.2})
    first, last = spans["stages"]
    chain = wb.add_chart({"type": "column"})
    chain.add_series({
        "name": "Open orders", "categories": [DATA, first, 8, last, 8],
        "values": [DATA, first, 9, last, 9], "fill": {"color": "#2E75B6"},
    })  # fmt: skip
    chain.set_title({"name": "Open orders by last milestone done"})
    chain.set_legend({"none": True})
    chain.set_x_axis({"num_font": {"rotation": -45}})
    ws.insert_chart("A19", chain, {"x_scale": 1.25})
