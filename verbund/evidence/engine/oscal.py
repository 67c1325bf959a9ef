"""Reading the BSI Grundschutz++ kernel catalogue (OSCAL 1.x catalog, JSON), pure Python.

What is used (ADR 0039): `catalog.metadata` (title, version, published); every top-level group of
`catalog.groups` (id, title; subgroups count to their top group) and every control in it, nested controls
included (their parent's id is kept). Of a control: `id`, `title`, the prop `sec_level` (the security level:
`normal-SdT`, `erhöht`), the prop `effort_level` (0–5), and of its `statement` part the prop `modal_verb`
(MUSS / SOLLTE / KANN: the requirement class) and the prose.
"""

import json
from dataclasses import dataclass
from typing import Any


class CatalogueError(ValueError):
    """The file is not a readable OSCAL catalog; the message says why."""


@dataclass(frozen=True)
class ControlEntry:
    control_id: str
    title: str
    group_id: str
    group_title: str
    parent_id: str
    sec_level: str
    effort_level: int | None
    modal_verb: str
    statement: str

    def content(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "group_id": self.group_id,
            "group_title": self.group_title,
            "parent_id": self.parent_id,
            "sec_level": self.sec_level,
            "effort_level": self.effort_level,
            "modal_verb": self.modal_verb,
            "statement": self.statement,
        }


@dataclass(frozen=True)
class Catalogue:
    title: str
    version: str
    published: str
    controls: tuple[ControlEntry, ...]


def _prop(props: list[dict[str, Any]], name: str) -> str:
    return next((str(p.get("value", "")) for p in props if p.get("name") == name), "")


def _control(data: dict[str, Any], group: dict[str, Any], parent: str) -> ControlEntry:
    if not isinstance(data, dict) or not data.get("id") or not isinstance(data.get("title"), str):
        raise CatalogueError(f"A control of group {group.get('id')} has no id or title.")
    props = data.get("props") or []
    statement: dict[str, Any] = next((p for p in data.get("parts") or [] if p.get("name") == "statement"), {})
    effort = _prop(props, "effort_level")
    return ControlEntry(
        control_id=str(data["id"]).upper()[:40],
        title=data["title"][:300],
        group_id=str(group.get("id", ""))[:20],
        group_title=str(group.get("title", ""))[:200],
        parent_id=parent,
        sec_level=_prop(props, "sec_level")[:20],
        effort_level=int(effort) if effort.isdigit() else None,
        modal_verb=_prop(statement.get("props") or [], "modal_verb")[:10],
        statement=str(statement.get("prose", "")),
    )


def parse_catalogue(data: bytes) -> Catalogue:
    try:
        document = json.loads(data)
        catalog = document["catalog"]
        metadata = catalog["metadata"]
        groups = catalog["groups"]
    except (ValueError, KeyError, TypeError) as exc:
        raise CatalogueError(f"Not an OSCAL catalog in JSON: {exc}") from exc
    controls: list[ControlEntry] = []

    def walk_controls(items: list[Any], group: dict[str, Any], parent: str) -> None:
        for item in items or []:
            entry = _control(item, group, parent)
            controls.append(entry)
            walk_controls(item.get("controls") or [], group, entry.control_id)

    def walk_groups(items: list[Any], top: dict[str, Any] | None) -> None:
        for group in items or []:
            if not isinstance(group, dict):
                raise CatalogueError("A group is not an object.")
            walk_controls(group.get("controls") or [], top or group, "")
            walk_groups(group.get("groups") or [], top or group)

    walk_groups(groups, None)
    if not controls:
        raise CatalogueError("The catalog has no controls.")
    ids = [c.control_id for c in controls]
    if len(set(ids)) != len(ids):
        raise CatalogueError("A control id appears twice.")
    return Catalogue(
        title=str(metadata.get("title", ""))[:200],
        version=str(metadata.get("version", ""))[:80],
        published=str(metadata.get("published", ""))[:80],
        controls=tuple(controls),
    )
