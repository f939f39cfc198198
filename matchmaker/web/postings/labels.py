"""Labels every posting template uses: chain nodes, statuses, kinds, amounts, filter choices."""
from __future__ import annotations

from ...i18n import tr
from ...services import applications, demands, resources
from ...services.postings.fields import node_label
from ..forms.choices import chain_choices, choice_groups, region_choices
from .helpers import current_graph

__all__ = ["template_helpers"]


def template_helpers() -> dict:
    """Labels for chain nodes and kinds, for every posting template (status labels are
    template globals, see :func:`matchmaker.presentation.register`)."""
    return {
        "node_label": lambda node: node_label(current_graph(), node),
        "demand_kind_label": demands.kind_label,
        "application_action_label": applications.action_label,
        "resource_kind_label": resources.kind_label,
        "chain_filter_choices": lambda: chain_choices(current_graph()),
        "region_filter_choices": region_choices,
        "money": _money,
        "choice_groups": choice_groups,
    }


def _money(value) -> str:
    """An amount the way each language reads it: 9000 万元 / CNY 90,000,000."""
    if value is None:
        return "—"
    value = float(value)
    if value >= 1e8:
        zh = f"{value / 1e8:,.4g} 亿元"
    elif value >= 1e4:
        zh = f"{value / 1e4:,.6g} 万元"
    else:
        zh = f"{value:,.2f}".rstrip("0").rstrip(".") + " 元"
    return tr(zh, f"CNY {value:,.0f}")
