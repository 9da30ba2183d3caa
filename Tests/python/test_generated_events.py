"""Checks events the Swift encoder wrote (Tests/python/fixtures/generated/) against the schemas.

The Swift test EventEncoderTests.generatedFixtureIsCurrent keeps each file equal to what
EventEncoder produces for a sample event today (ASSETFORGE_REGENERATE_FIXTURES=1 rewrites them),
so here jsonschema judges the Swift encoder's real output.

Run with:  .venv/bin/python -m pytest Tests/python -q
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_schemas import ID_PREFIX, event_errors, load_json

GENERATED = Path(__file__).resolve().parent / "fixtures" / "generated"
FILES = sorted(GENERATED.glob("*.json"))


def event_type_of(path: Path) -> str:
    # asset.ready.copy.json -> asset.ready
    return ".".join(path.name.split(".")[:2])


def test_every_emitted_type_has_a_generated_event() -> None:
    assert {event_type_of(path) for path in FILES} == set(ID_PREFIX)


@pytest.mark.parametrize("path", [pytest.param(p, id=p.name) for p in FILES])
def test_generated_event_is_valid(path: Path) -> None:
    event_type = event_type_of(path)
    event = load_json(path)
    assert event_errors(event_type, event) == []
    # What the contract says AssetForge always emits.
    assert event["type"] == event_type
    assert event["id"] == ID_PREFIX[event_type] + event["data"]["assetId"]
    assert event["datacontenttype"] == "application/json"
    assert event["dataschema"] == f"urn:assetforge:schema:{event_type}:1"
    assert event["source"] == "urn:assetforge"
    assert event["time"].endswith("Z")


@pytest.mark.parametrize("path", [pytest.param(p, id=p.name) for p in FILES])
def test_generated_event_is_compact_with_sorted_keys(path: Path) -> None:
    """Deterministic bytes: sorted keys, no insignificant whitespace, UTF-8 as is."""
    text = path.read_text(encoding="utf-8")
    canonical = json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert text == canonical
