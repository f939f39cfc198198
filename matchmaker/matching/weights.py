"""The fitted weights of the engine, kept in ``weights.json`` beside this module.

``matchmaker tune DIR [DIR ...] --out matchmaker/matching/weights.json``
reproduces the file (:mod:`~matchmaker.matching.fitting`): the fusion weights
and index parameters chosen on the labelled sets, and the logistic calibration
that turns a pair's raw score into the score shown everywhere.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np

__all__ = ["FITTED", "calibrate", "fitted", "write_weights"]

PATH = Path(__file__).with_name("weights.json")

#: Parameters the file may set (the others of :class:`Matcher` are not fitted).
FITTED = ("graph_weight", "region_weight", "chain_confidence", "concept_weight",
          "node_terms_weight", "k1", "b")


@functools.lru_cache(maxsize=1)
def fitted() -> dict:
    """``{"params": {...}, "calibration": {"slope": .., "intercept": ..}}`` from the file."""
    data = json.loads(PATH.read_text(encoding="utf-8"))
    params = {k: float(v) for k, v in data.get("params", {}).items() if k in FITTED}
    cal = data.get("calibration") or {}
    return {"params": params,
            "calibration": {"slope": float(cal.get("slope", 10.0)),
                            "intercept": float(cal.get("intercept", -2.0))},
            "provenance": data.get("provenance", {})}


def calibrate(raw, slope, intercept):
    """Logistic map of raw scores (array or float) to [0, 1]."""
    z = np.clip(slope * np.asarray(raw, dtype=np.float64) + intercept, -60.0, 60.0)
    return 1.0 / (1.0 + np.exp(-z))


def write_weights(path, params, calibration, provenance) -> None:
    data = {"params": {k: params[k] for k in FITTED if k in params},
            "calibration": calibration, "provenance": provenance}
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if Path(path).resolve() == PATH.resolve():
        fitted.cache_clear()
