from graph.build import STAGES, chain_nodes, load_chains, validate_chains
from graph.proximity import ProximityIndex, format_path, proximity
