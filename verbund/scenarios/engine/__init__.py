"""Scenario engine: consolidation scenarios of municipal IT providers — projection of cost, VAT and every
member's fee per year (through the costing engine), NPV, portfolio overlap, legal rule checks, multi-criteria
analysis, Monte Carlo risk and Shapley sharing of synergies.

Pure Python (NumPy for the Monte Carlo and the MCDA robustness), no Django. Frozen dataclasses in (`inputs`),
results with a trace out. See docs/scenario-model-format.md.
"""

from .errors import ScenarioError
from .explain import MESSAGES, explain
from .inputs import (
    Assumptions,
    CategorySynergy,
    Entity,
    Item,
    LegalForm,
    Move,
    Owner,
    Range,
    Scenario,
    ScenarioModel,
    Usage,
)
from .projection import Projection, ScenarioResult, YearResult, project, project_scenario

__all__ = [
    "MESSAGES",
    "Assumptions",
    "CategorySynergy",
    "Entity",
    "Item",
    "LegalForm",
    "Move",
    "Owner",
    "Projection",
    "Range",
    "Scenario",
    "ScenarioError",
    "ScenarioModel",
    "ScenarioResult",
    "Usage",
    "YearResult",
    "explain",
    "project",
    "project_scenario",
]
