"""Labels every posting template uses: chains and chain nodes, kinds, filter choices."""
from __future__ import annotations

from ...services import applications, demands, resources
from ...services.postings.fields import chain_label, node_label
from ..forms.choices import chain_choices, choice_groups, region_choices
from .helpers import current_graph

__all__ = ["template_helpers"]


def template_helpers() -> dict:
    """Labels for chains, chain nodes and kinds, for every posting template (status labels,
    amounts and times are template globals, see :func:`matchmaker.presentation.register`)."""
    return {
        "node_label": lambda node: node_label(current_graph(), node),
        "chain_label": lambda chain: chain_label(current_graph(), chain),
        "demand_kind_label": demands.kind_label,
        "payment_rows": demands.payment_rows,
        "application_action_label": applications.action_label,
        "resource_kind_label": resources.kind_label,
        "chain_filter_choices": lambda: chain_choices(current_graph()),
        "region_filter_choices": region_choices,
        "choice_groups": choice_groups,
    }

