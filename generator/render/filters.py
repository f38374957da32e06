"""Stable data attributes of a goal's anchor, for filtering a period's goals in the browser without a server.

`<span id="obj-..." data-status="at-risk" data-owner="dana" data-unit="sales-emea" data-tags="growth dach">`:
status and ids (slugs, never goal text), tags as their slugs (links.tag_slug) separated by spaces. A key
result carries its own status and owner, its objective's unit and tags. About 80 bytes a goal.
"""

from __future__ import annotations

from markupsafe import Markup

from ..resolve import KeyResultNode, ObjectiveNode
from .links import tag_slug
from .site import Site
from .text import escape_meta


def data_attributes(site: Site, node: ObjectiveNode | KeyResultNode) -> Markup:
    obj = node.objective if isinstance(node, KeyResultNode) else node
    facts = site.scores.key_results[node.ref] if isinstance(node, KeyResultNode) else site.scores.objectives[node.ref]
    parts = [f' data-status="{escape_meta(facts.status)}"']
    if node.owner is not None:
        parts.append(f' data-owner="{escape_meta(node.owner.id)}"')
    parts.append(f' data-unit="{escape_meta(obj.unit.id)}"')
    if obj.obj.tags:
        parts.append(f' data-tags="{escape_meta(" ".join(dict.fromkeys(tag_slug(t) for t in obj.obj.tags)))}"')
    return Markup("".join(parts))
