"""Rules: each family module registers its rules with `sheetsync.rules.engine.rule`.

Importing this package loads every family, so `run_rules` sees them all.
"""

from sheetsync.rules import (  # noqa: F401  (each family registers its rules)
    calc,
    codes,
    documents,
    lc,
    lc_dates,
    milestones,
    schema,
    schema_refs,
    shipments,
    trade,
)
from sheetsync.rules.engine import REGISTRY, Context, Rule, rule, run_rules

__all__ = ["REGISTRY", "Context", "Rule", "rule", "run_rules"]
