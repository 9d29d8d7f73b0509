"""Where a node lives agrees with what it is called: the id's namespace, the editor category and
the package under ``nodes/`` are one word, so a node is found the same way in the catalog,
in a workflow file and in the source tree."""

from __future__ import annotations

from server.engine import Registry


def test_every_shipped_node_has_its_id_namespace_as_category_and_package():
    registry = Registry.discover()
    mismatched = [
        (d.id, d.category, d.module)
        for d in registry.all()
        if not d.id.split(".")[0] == d.category == d.module.split(".")[1]
    ]
    assert mismatched == []
    assert len(registry.all()) >= 39
