import copy
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "data"
DEV_CHAINS = DATA / "match-dev" / "chains.json"

SMALL = {
    "chains": [
        {
            "id": "nev-battery",
            "name": "新能源汽车动力电池",
            "name_en": "NEV traction battery",
            "nodes": [
                {"id": "nev-battery.cathode", "name": "正极材料", "name_en": "Cathode materials",
                 "stage": "upstream", "keywords": ["磷酸铁锂", "三元材料", "NCM", "LFP"]},
                {"id": "nev-battery.anode", "name": "负极材料", "stage": "upstream"},
                {"id": "nev-battery.cell", "name": "电芯制造", "name_en": "Cell manufacturing",
                 "stage": "midstream", "keywords": ["电芯", "叠片", "卷绕"]},
                {"id": "nev-battery.pack", "name": "电池包", "stage": "downstream",
                 "keywords": []},
            ],
            "edges": [
                ["nev-battery.cathode", "nev-battery.cell"],
                ["nev-battery.anode", "nev-battery.cell"],
                ["nev-battery.cell", "nev-battery.pack"],
                ["nev-battery.pack", "ev.vehicle"],
            ],
        },
        {
            "id": "ev",
            "name": "整车",
            "nodes": [
                {"id": "ev.vehicle", "name": "整车制造", "stage": "downstream"},
            ],
            "edges": [],
        },
        {
            "id": "textile",
            "name": "纺织",
            "nodes": [
                {"id": "textile.fibre", "name": "化纤", "stage": "upstream"},
                {"id": "textile.cloth", "name": "面料", "stage": "midstream"},
            ],
            "edges": [["textile.fibre", "textile.cloth"]],
        },
    ]
}


@pytest.fixture
def small_doc():
    """A valid chains.json document with a cross-chain edge and an unrelated chain."""
    return copy.deepcopy(SMALL)


@pytest.fixture
def dev_path():
    return DEV_CHAINS
