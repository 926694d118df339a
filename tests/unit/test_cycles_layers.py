"""Club cycles' modules import one way: no module imports, even only for type checking
or inside a function, a module that imports it back (the engine is not called back)."""

from __future__ import annotations

import grimp

# top to bottom, as cogs/cycles/README.md lists them: each imports only modules below it
LAYERS = ("cog", "engine", "picking", "effects", "jobs", "trouble", "render", "store", "logic")


def test_cycles_modules_import_only_downwards():
    graph = grimp.build_graph("cogs")
    for position, name in enumerate(LAYERS):
        imported = graph.find_modules_directly_imported_by(f"cogs.cycles.{name}")
        # a package's own modules (logic/ re-exporting its parts) are that layer
        own = {
            m.removeprefix("cogs.cycles.").split(".")[0]
            for m in imported
            if m.startswith("cogs.cycles.")
        } - {name}
        assert own <= set(LAYERS[position + 1 :]), (name, sorted(own))


def test_every_cycles_module_has_its_place():
    graph = grimp.build_graph("cogs")
    modules = {m.removeprefix("cogs.cycles.") for m in graph.find_children("cogs.cycles")}
    assert modules == {*LAYERS, "api"}
