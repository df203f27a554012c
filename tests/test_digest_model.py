"""The digest model: exact JSON round-trips (Redis keeps this JSON) and a content hash that
changes exactly when what readers see changes."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bot.digest.model import Digest, DigestJsonError
from bot.digest.parser import load_digest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "digests"


@pytest.mark.parametrize("name", ["2025-07-21.md", "2025-07-22.md", "2025-07-23.md"])
def test_json_round_trips_exactly(name: str) -> None:
    digest = load_digest(EXAMPLES / name)
    restored = Digest.from_json(digest.to_json())
    assert restored == digest
    assert restored.to_json() == digest.to_json()
    assert Digest.from_json(digest.to_json().encode()) == digest


def test_item_lookup_by_number() -> None:
    digest = load_digest(EXAMPLES / "2025-07-21.md")
    item = digest.item(2)
    assert item is not None
    assert item.title == "鸿海开始导入英伟达Vera Rubin平台"
    assert digest.item(0) is None
    assert digest.item(10) is None


def test_a_corrected_item_changes_the_hash_and_nothing_else_does() -> None:
    digest = load_digest(EXAMPLES / "2025-07-21.md")
    first = digest.items[0]
    fixed = replace(first, title=first.title.replace("100 万", "150 万"))
    assert fixed != first
    corrected = replace(digest, items=(fixed, *digest.items[1:]))
    assert corrected.compute_hash() != digest.content_hash
    assert digest.compute_hash() == digest.content_hash
    # Where the file was read from, or when it was published, is not content.
    moved = replace(digest, source="elsewhere.md", published_at=None)
    assert moved.compute_hash() == digest.content_hash


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        json.dumps({"version": 99}),
        json.dumps({"version": 1, "date": "2025-07-21"}),
    ],
)
def test_stored_json_that_is_not_a_digest_is_a_clear_error(text: str) -> None:
    with pytest.raises(DigestJsonError):
        Digest.from_json(text)


def test_wrongly_typed_fields_are_refused() -> None:
    data = json.loads(load_digest(EXAMPLES / "2025-07-21.md").to_json())
    data["items"][0]["number"] = "1"
    with pytest.raises(DigestJsonError, match="expected an integer"):
        Digest.from_json(json.dumps(data))
