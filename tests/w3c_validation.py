"""Replay the W3C Web Annotation MUST assertions (JSON Schema draft-04) against a document."""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "w3c"


@cache
def _registry() -> Registry:
    resources = []
    for path in sorted((FIXTURES / "definitions").glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["id"], Resource(contents=schema, specification=DRAFT4)))
    return Registry().with_resources(resources)


@cache
def _must_assertions() -> list[dict]:
    listing = json.loads((FIXTURES / "annotations" / "annotationMusts.test").read_text("utf-8"))
    return [
        json.loads((FIXTURES / name).read_text(encoding="utf-8")) for name in listing["assertions"]
    ]


def must_failures(document: dict) -> list[str]:
    """The error messages of every MUST assertion the document does not meet ([] when valid)."""
    failures = []
    for assertion in _must_assertions():
        validator = Draft4Validator(assertion, registry=_registry())
        valid = validator.is_valid(document)
        if valid != (assertion.get("expectedResult", "valid") == "valid"):
            failures.append(f"{assertion['id']}: {assertion.get('errorMessage', '')}")
    return failures
