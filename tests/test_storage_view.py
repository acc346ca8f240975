"""The writer's in-memory view: held edges kept compact and returned intact."""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.storage.view import HeldEdges

T0 = datetime(2026, 1, 1, tzinfo=UTC)
T1 = datetime(2026, 1, 2, tzinfo=UTC)


def edge(_id: str, from_id: str, to_url: str, text: str = "A title") -> dict:
    return {"_id": _id, "from_id": from_id, "to_url": to_url, "label": "related",
            "text": text, "position": 0, "first_seen": T0, "last_seen": T0, "to_id": None}


def test_held_edge_comes_back_as_the_same_document_without_to_id():
    held = HeldEdges()
    held.hold(edge("e1", "a", "https://site/x/"))
    assert "e1" in held and len(held) == 1
    doc = held.release("e1")
    assert doc == {k: v for k, v in edge("e1", "a", "https://site/x/").items() if k != "to_id"}
    assert len(held) == 0 and held.ids_to("https://site/x/") == []


def test_edges_are_found_by_target_and_listed_oldest_first():
    held = HeldEdges()
    for i, target in enumerate(["x", "y", "x"]):
        held.hold(edge(f"e{i}", f"from{i}", f"https://site/{target}/"))
    assert held.ids_to("https://site/x/") == ["e0", "e2"]
    assert list(held) == ["e0", "e1", "e2"]
    held.release("e0")
    assert held.ids_to("https://site/x/") == ["e2"]


def test_refresh_keeps_first_seen_and_updates_the_rest():
    held = HeldEdges()
    held.hold(edge("e1", "a", "https://site/x/"))
    held.refresh("e1", "New title", 3, T1)
    doc = held.doc("e1")
    assert (doc["text"], doc["position"], doc["first_seen"], doc["last_seen"]) == (
        "New title", 3, T0, T1)


def test_repeated_strings_of_many_edges_are_shared():
    held = HeldEdges()
    for i in range(3):
        held.hold(edge(f"e{i}", f"from{i}", "".join(["https://site/", "x/"]),
                       "".join(["A ", "title"])))
    docs = [held.doc(f"e{i}") for i in range(3)]
    assert docs[0]["to_url"] is docs[1]["to_url"] is docs[2]["to_url"]
    assert docs[0]["text"] is docs[2]["text"]
