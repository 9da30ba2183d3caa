"""Checks the language-neutral AssetForge event contract under schemas/.

* every schema is a valid JSON Schema draft 2020-12 document whose $id matches
  its file name, and every $ref resolves offline through one registry;
* every example under schemas/examples/ is judged as the contract says:
  valid ones pass, invalid ones fail (structured envelopes, binary-mode
  wrappers rebuilt into envelopes, dead-letter headers);
* the AsyncAPI document points at schema files and fragments that exist.

Run with:  .venv/bin/python -m pytest Tests/python -q
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any, Iterator

import pytest
from jsonschema import Draft202012Validator, ValidationError, validators
from referencing import Registry
from referencing.jsonschema import DRAFT202012

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "schemas"
EXAMPLES = SCHEMAS / "examples"
ASYNCAPI = SCHEMAS / "asyncapi.yaml"

ID_BASE = "https://assetforge.example/schemas/"
DIALECT = "https://json-schema.org/draft/2020-12/schema"

EVENT_TYPES = ["product.listed", "sku.promoted", "asset.ready", "asset.failed"]
BINARY_EVENT_TYPES = {
    "product.listed": "binaryProductListed",
    "sku.promoted": "binarySkuPromoted",
}
TOPICS = EVENT_TYPES + ["assetforge.dlq"]

# Cross-field rule that JSON Schema cannot express: the CloudEvents id of an
# asset event is this prefix followed by data.assetId.
ID_PREFIX = {"asset.ready": "ready-", "asset.failed": "failed-"}

# Minimum number of examples per folder, so an emptied folder cannot pass.
MIN_EXAMPLES = {
    "product.listed/valid": 5,
    "product.listed/invalid": 8,
    "sku.promoted/valid": 3,
    "sku.promoted/invalid": 4,
    "asset.ready/valid": 4,
    "asset.ready/invalid": 4,
    "asset.failed/valid": 4,
    "asset.failed/invalid": 4,
    "binary/product.listed/valid": 2,
    "binary/product.listed/invalid": 4,
    "binary/sku.promoted/valid": 2,
    "binary/sku.promoted/invalid": 4,
    "dlq/valid": 2,
    "dlq/invalid": 4,
}

REQUIRED_PRODUCT_LISTED_INVALID = [
    "missing-sku",
    "sku-too-long",
    "sku-bad-characters",
    "source-image-not-http",
    "language-not-bcp47",
    "wrong-specversion",
    "too-many-languages",
    "revision-negative",
]


# --------------------------------------------------------------------------
# Loading


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def load_json(path: Path) -> Any:
    """Strict JSON: no duplicate keys, no NaN/Infinity (other parsers reject them)."""
    with path.open(encoding="utf-8") as handle:
        return json.load(
            handle,
            object_pairs_hook=_reject_duplicates,
            parse_constant=_reject_constant,
        )


SCHEMA_FILES = sorted(SCHEMAS.glob("*.schema.json"))
SCHEMA_DOCS = {path.name: load_json(path) for path in SCHEMA_FILES}


def _without_dialect(doc: dict[str, Any]) -> dict[str, Any]:
    # jsonschema picks the validator class of a $ref target from its $schema,
    # which would swap the ECMA-262 `pattern` below for the stock one. The
    # resources are declared draft 2020-12 explicitly instead.
    return {key: value for key, value in doc.items() if key != "$schema"}


REGISTRY = Registry().with_resources(
    (doc["$id"], DRAFT202012.create_resource(_without_dialect(doc))) for doc in SCHEMA_DOCS.values()
).crawl()
# No `retrieve` callable: a $ref outside these files raises instead of going
# to the network.


# --------------------------------------------------------------------------
# A validator with ECMA-262 `$`


def ecma_end_anchors(pattern: str) -> str:
    """Rewrite `$` outside character classes to `\\Z`.

    JSON Schema patterns are ECMA-262 regexes, where `$` (without the m flag)
    matches only at the very end of the string. In Python's re it also matches
    just before a final newline, so "SKU-1\\n" would pass "^[A-Za-z0-9._-]+$".
    """
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
        elif char == "[":
            in_class = True
        elif char == "$":
            char = r"\Z"
        out.append(char)
        i += 1
    return "".join(out)


@functools.lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(ecma_end_anchors(pattern))


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


Validator = validators.extend(Draft202012Validator, {"pattern": _ecma_pattern})


@functools.lru_cache(maxsize=None)
def validator_for(uri: str) -> Any:
    return Validator({"$ref": uri}, registry=REGISTRY)


def schema_errors(uri: str, instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in validator_for(uri).iter_errors(instance)
    ]


def cross_field_errors(event_type: str, event: Any) -> list[str]:
    prefix = ID_PREFIX.get(event_type)
    if prefix is None or not isinstance(event, dict):
        return []
    data = event.get("data")
    asset_id = data.get("assetId") if isinstance(data, dict) else None
    if isinstance(asset_id, str) and event.get("id") != prefix + asset_id:
        return [f"id: must be {prefix!r} + data.assetId, got {event.get('id')!r}"]
    return []


def event_errors(event_type: str, event: Any) -> list[str]:
    """All contract violations of a structured-mode envelope of event_type."""
    return schema_errors(f"{ID_BASE}{event_type}.schema.json", event) + cross_field_errors(
        event_type, event
    )


def envelope_from_binary(headers: dict[str, Any], value: Any) -> dict[str, Any]:
    """CloudEvents Kafka binding, binary mode: ce_<name> -> <name>,
    content-type -> datacontenttype, record value -> data."""
    envelope: dict[str, Any] = {}
    for name, header_value in headers.items():
        if name.startswith("ce_"):
            envelope[name[len("ce_") :]] = header_value
        elif name == "content-type":
            envelope["datacontenttype"] = header_value
    envelope["data"] = value
    return envelope


def wrapper_shape_errors(wrapper: Any) -> list[str]:
    if not isinstance(wrapper, dict) or set(wrapper) != {"headers", "value"}:
        return ['wrapper: must be an object with exactly "headers" and "value"']
    if not isinstance(wrapper["headers"], dict):
        return ["headers: must be an object"]
    return []


def binary_errors(event_type: str, wrapper: Any) -> list[str]:
    errors = wrapper_shape_errors(wrapper)
    if errors:
        return errors
    headers_uri = f"{ID_BASE}kafka-headers.schema.json#/$defs/{BINARY_EVENT_TYPES[event_type]}"
    errors = [f"headers/{e}" for e in schema_errors(headers_uri, wrapper["headers"])]
    return errors + event_errors(event_type, envelope_from_binary(wrapper["headers"], wrapper["value"]))


def dlq_errors(wrapper: Any) -> list[str]:
    errors = wrapper_shape_errors(wrapper)
    if errors:
        return errors
    uri = f"{ID_BASE}kafka-headers.schema.json#/$defs/deadLetter"
    return [f"headers/{e}" for e in schema_errors(uri, wrapper["headers"])]


# --------------------------------------------------------------------------
# Walking schemas

_MAP_KEYWORDS = {"properties", "patternProperties", "$defs", "dependentSchemas"}
_SCHEMA_KEYWORDS = {
    "items", "contains", "not", "if", "then", "else", "additionalProperties",
    "propertyNames", "unevaluatedItems", "unevaluatedProperties",
}
_LIST_KEYWORDS = {"allOf", "anyOf", "oneOf", "prefixItems"}


def subschemas(schema: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(schema, dict):
        return
    yield schema
    for key, value in schema.items():
        if key in _MAP_KEYWORDS:
            for child in value.values():
                yield from subschemas(child)
        elif key in _SCHEMA_KEYWORDS:
            yield from subschemas(value)
        elif key in _LIST_KEYWORDS:
            for child in value:
                yield from subschemas(child)


def example_files(folder: str) -> list[Path]:
    return sorted((EXAMPLES / folder).glob("*.json"))


def params(folder: str) -> list[Any]:
    return [pytest.param(path, id=f"{folder}/{path.name}") for path in example_files(folder)]


# --------------------------------------------------------------------------
# Schemas


def test_schema_files_present() -> None:
    expected = {"cloudevents.schema.json", "common.schema.json", "kafka-headers.schema.json"}
    for event_type in EVENT_TYPES:
        expected |= {f"{event_type}.schema.json", f"{event_type}.data.schema.json"}
    assert expected <= set(SCHEMA_DOCS), sorted(expected - set(SCHEMA_DOCS))


@pytest.mark.parametrize("name", sorted(SCHEMA_DOCS))
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    doc = SCHEMA_DOCS[name]
    assert doc.get("$schema") == DIALECT
    assert doc.get("$id") == ID_BASE + name, "the $id must end with the file name so relative $refs resolve"
    Draft202012Validator.check_schema(doc)


@pytest.mark.parametrize("name", sorted(SCHEMA_DOCS))
def test_schema_refs_are_relative_and_resolve_offline(name: str) -> None:
    doc = SCHEMA_DOCS[name]
    resolver = REGISTRY.resolver(base_uri=doc["$id"])
    refs = [schema["$ref"] for schema in subschemas(doc) if "$ref" in schema]
    for ref in refs:
        assert "://" not in ref and not ref.startswith("urn:"), f"{ref}: use a relative $ref"
        resolver.lookup(ref)  # raises if it does not resolve


@pytest.mark.parametrize("name", sorted(SCHEMA_DOCS))
def test_schema_uses_portable_rules_only(name: str) -> None:
    """Rules both validators enforce: no `format`, no closed objects, and
    regexes in the ECMA-262 / ICU / Python subset."""
    for schema in subschemas(SCHEMA_DOCS[name]):
        assert "format" not in schema, "express the rule with pattern/enum/lengths/ranges"
        assert schema.get("additionalProperties") is not False, "unknown members must be ignored"
        assert schema.get("unevaluatedProperties") is not False, "unknown members must be ignored"
        pattern = schema.get("pattern")
        if pattern is not None:
            assert pattern.startswith("^"), f"{pattern}: anchor the pattern"
            assert not re.search(r"\\[dDwWsSbB]", pattern), f"{pattern}: spell classes out ([0-9], [A-Za-z])"
            re.compile(ecma_end_anchors(pattern))


def test_dollar_means_end_of_string() -> None:
    assert ecma_end_anchors("^[a$]b$") == r"^[a$]b\Z"
    assert ecma_end_anchors(r"^a\$$") == r"^a\$\Z"
    sku = validator_for(f"{ID_BASE}common.schema.json#/$defs/sku")
    assert sku.is_valid("MUG-1")
    assert not sku.is_valid("MUG-1\n")


# --------------------------------------------------------------------------
# Example inventory


@pytest.mark.parametrize("folder", sorted(MIN_EXAMPLES))
def test_example_folder_is_not_empty(folder: str) -> None:
    count = len(example_files(folder))
    assert count >= MIN_EXAMPLES[folder], f"{folder}: {count} examples, need {MIN_EXAMPLES[folder]}"


def test_example_folders_are_all_known() -> None:
    """Every folder holding examples is one the tests read."""
    folders = {str(p.parent.relative_to(EXAMPLES)) for p in EXAMPLES.rglob("*") if p.is_file()}
    assert folders <= set(MIN_EXAMPLES), sorted(folders - set(MIN_EXAMPLES))
    assert all(p.suffix == ".json" for p in EXAMPLES.rglob("*") if p.is_file())


def test_example_names_are_kebab_case() -> None:
    for path in EXAMPLES.rglob("*.json"):
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*\.json", path.name), path


def test_required_product_listed_invalid_examples_exist() -> None:
    names = {path.stem for path in example_files("product.listed/invalid")}
    missing = [name for name in REQUIRED_PRODUCT_LISTED_INVALID if name not in names]
    assert not missing


# --------------------------------------------------------------------------
# Structured-mode examples


@pytest.mark.parametrize(
    "event_type,path",
    [pytest.param(t, p, id=f"{t}/valid/{p.name}") for t in EVENT_TYPES for p in example_files(f"{t}/valid")],
)
def test_valid_structured_example_passes(event_type: str, path: Path) -> None:
    assert event_errors(event_type, load_json(path)) == []


@pytest.mark.parametrize(
    "event_type,path",
    [pytest.param(t, p, id=f"{t}/invalid/{p.name}") for t in EVENT_TYPES for p in example_files(f"{t}/invalid")],
)
def test_invalid_structured_example_fails(event_type: str, path: Path) -> None:
    assert event_errors(event_type, load_json(path)) != []


@pytest.mark.parametrize("event_type", sorted(ID_PREFIX))
def test_id_rule_is_checked_beyond_the_schema(event_type: str) -> None:
    """The id/assetId mismatch example passes the schema alone and is caught
    by the cross-field rule, which every validator must implement in code."""
    event = load_json(EXAMPLES / event_type / "invalid" / "id-does-not-match-asset-id.json")
    assert schema_errors(f"{ID_BASE}{event_type}.schema.json", event) == []
    assert cross_field_errors(event_type, event) != []


def test_valid_events_have_distinct_identities() -> None:
    seen: dict[tuple[str, str], Path] = {}
    for event_type in EVENT_TYPES:
        for path in example_files(f"{event_type}/valid"):
            event = load_json(path)
            key = (event["source"], event["id"])
            assert key not in seen, f"{path} repeats the id + source of {seen[key]}"
            seen[key] = path
    for event_type in BINARY_EVENT_TYPES:
        for path in example_files(f"binary/{event_type}/valid"):
            headers = load_json(path)["headers"]
            key = (headers["ce_source"], headers["ce_id"])
            assert key not in seen, f"{path} repeats the id + source of {seen[key]}"
            seen[key] = path


def test_product_listed_examples_span_several_languages() -> None:
    languages = set()
    for path in example_files("product.listed/valid"):
        languages.update(load_json(path)["data"].get("languages", ["en"]))
    assert len(languages) >= 5, sorted(languages)


def test_a_sku_promoted_example_has_no_scene_image() -> None:
    datas = [load_json(p)["data"] for p in example_files("sku.promoted/valid")]
    assert any("sceneImageUrl" not in data for data in datas)


def test_asset_examples_cover_every_kind() -> None:
    for event_type in ID_PREFIX:
        kinds = {load_json(p)["data"]["kind"] for p in example_files(f"{event_type}/valid")}
        assert kinds == {"marketing-image", "video", "copy"}, (event_type, kinds)


# --------------------------------------------------------------------------
# Binary-mode examples


@pytest.mark.parametrize(
    "event_type,path",
    [
        pytest.param(t, p, id=f"binary/{t}/valid/{p.name}")
        for t in BINARY_EVENT_TYPES
        for p in example_files(f"binary/{t}/valid")
    ],
)
def test_valid_binary_example_passes(event_type: str, path: Path) -> None:
    assert binary_errors(event_type, load_json(path)) == []


@pytest.mark.parametrize(
    "event_type,path",
    [
        pytest.param(t, p, id=f"binary/{t}/invalid/{p.name}")
        for t in BINARY_EVENT_TYPES
        for p in example_files(f"binary/{t}/invalid")
    ],
)
def test_invalid_binary_example_fails(event_type: str, path: Path) -> None:
    assert binary_errors(event_type, load_json(path)) != []


def test_binary_mapping() -> None:
    envelope = envelope_from_binary(
        {
            "ce_specversion": "1.0",
            "ce_id": "x",
            "ce_source": "urn:test",
            "ce_type": "product.listed",
            "ce_time": "2025-01-01T00:00:00Z",
            "ce_partnerid": "p",
            "content-type": "application/json",
            "traceparent": "t",
        },
        {"sku": "A"},
    )
    assert envelope == {
        "specversion": "1.0",
        "id": "x",
        "source": "urn:test",
        "type": "product.listed",
        "time": "2025-01-01T00:00:00Z",
        "partnerid": "p",
        "datacontenttype": "application/json",
        "data": {"sku": "A"},
    }


# --------------------------------------------------------------------------
# Dead-letter examples


@pytest.mark.parametrize("path", params("dlq/valid"))
def test_valid_dead_letter_example_passes(path: Path) -> None:
    assert dlq_errors(load_json(path)) == []


@pytest.mark.parametrize("path", params("dlq/invalid"))
def test_invalid_dead_letter_example_fails(path: Path) -> None:
    assert dlq_errors(load_json(path)) != []


# --------------------------------------------------------------------------
# AsyncAPI document

ASYNCAPI_TEXT = ASYNCAPI.read_text(encoding="utf-8")
_FILE_REF = re.compile(r"""\$ref:\s*['"]?\./([^'"#\s]+)(#[^'"\s]*)?['"]?""")


def test_asyncapi_version_and_topics() -> None:
    assert re.search(r"^asyncapi: 3\.0\.0$", ASYNCAPI_TEXT, re.M)
    addresses = re.findall(r"^\s+address: (\S+)$", ASYNCAPI_TEXT, re.M)
    assert sorted(addresses) == sorted(TOPICS)


def test_asyncapi_file_refs_resolve() -> None:
    refs = _FILE_REF.findall(ASYNCAPI_TEXT)
    assert refs
    for file_name, fragment in refs:
        assert file_name in SCHEMA_DOCS, file_name
        REGISTRY.resolver().lookup(ID_BASE + file_name + fragment)
    referenced = {file_name for file_name, _ in refs}
    for event_type in EVENT_TYPES:
        assert f"{event_type}.schema.json" in referenced


def test_asyncapi_structure() -> None:
    import yaml  # PyYAML, from deploy/requirements.txt
    doc = yaml.safe_load(ASYNCAPI_TEXT)
    assert doc["asyncapi"] == "3.0.0"

    def local(ref: str) -> Any:
        node: Any = doc
        for part in ref.removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def deref(node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/"):
            node = local(node["$ref"])
        return node

    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
                yield node["$ref"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    for ref in walk(doc):
        local(ref)  # raises KeyError if dangling

    channels = {c["address"]: name for name, c in doc["channels"].items()}
    assert set(channels) == set(TOPICS)
    actions = {}
    for operation in doc["operations"].values():
        channel = deref(operation["channel"])
        actions[channel["address"]] = operation["action"]
        for message in operation["messages"]:
            assert message["$ref"].startswith(f"#/channels/{channels[channel['address']]}/messages/")
    assert actions == {
        "product.listed": "receive",
        "sku.promoted": "receive",
        "asset.ready": "send",
        "asset.failed": "send",
        "assetforge.dlq": "send",
    }
    for name, message in doc["components"]["messages"].items():
        assert "schema" in message["headers"] and "schema" in message["payload"], name
        assert "kafka" in deref(message["bindings"]), name
