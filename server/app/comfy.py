"""ComfyUI compatibility: its API prompt ⇄ our workflow, our catalog as ``/object_info``.

A ComfyUI API prompt is ``{id: {"class_type": T, "inputs": {name: value | [src_id, slot]}}}``
where ``slot`` indexes the source node's outputs in declaration order. Our workflow names
outputs instead, so converting needs the registry; a slot or node that cannot be resolved is
reported as a :class:`Problem` with the node id, like every other validation error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from server.engine.contract import NodeDef
from server.engine.errors import Problem
from server.engine.registry import Registry
from server.engine.workflow import FORMAT, MAX_NODES, VERSION

COMFY_WIDGET = {"integer": "INT", "number": "FLOAT", "string": "STRING", "boolean": "BOOLEAN"}


# -- prompt → workflow ------------------------------------------------------------------
def is_workflow(doc: Any) -> bool:
    return isinstance(doc, dict) and doc.get("format") == FORMAT


def prompt_to_workflow(prompt: Any, registry: Registry) -> tuple[dict[str, Any], list[Problem]]:
    """Our workflow JSON for a ComfyUI API prompt, and the problems that stopped a faithful
    conversion (the engine's validation then reports the rest)."""
    if not isinstance(prompt, dict) or not prompt:
        return {}, [
            Problem(
                "invalid_workflow",
                None,
                "prompt",
                "the prompt must be a non-empty JSON object {node_id: {class_type, inputs}}",
            )
        ]
    if len(prompt) > MAX_NODES:
        return {}, [
            Problem(
                "too_large", None, "prompt", f"the prompt has {len(prompt):,} nodes; at most {MAX_NODES:,} are allowed"
            )
        ]
    nodes: dict[str, Any] = {}
    links: list[list[str]] = []
    problems: list[Problem] = []
    for node_id, spec in prompt.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("class_type"), str):
            problems.append(
                Problem(
                    "invalid_workflow",
                    str(node_id),
                    None,
                    "each prompt node needs a string 'class_type' and an 'inputs' object",
                )
            )
            continue
        inputs = spec.get("inputs", {})
        if not isinstance(inputs, dict):
            problems.append(Problem("invalid_workflow", str(node_id), "inputs", "'inputs' must be an object"))
            continue
        node: dict[str, Any] = {"type": spec["class_type"], "params": {}}
        blank_means_none = _null_default_strings(registry, spec["class_type"])
        title = (spec.get("_meta") or {}).get("title") if isinstance(spec.get("_meta"), dict) else None
        if isinstance(title, str):
            node["title"] = title
        for name, value in inputs.items():
            if _is_link(value, prompt):
                link, problem = _link(prompt, registry, str(value[0]), value[1], str(node_id), name)
                if problem:
                    problems.append(problem)
                else:
                    links.append(link)
            elif not (value == "" and name in blank_means_none):
                node["params"][name] = value
        nodes[str(node_id)] = node
    return {"format": FORMAT, "version": VERSION, "nodes": nodes, "links": links}, problems


def _null_default_strings(registry: Registry, node_type: str) -> set[str]:
    """Text parameters whose default is ``null``: ``/object_info`` shows them as empty fields,
    so an empty string coming back means "no value" (the parameter's default)."""
    definition = registry.get(node_type)
    if definition is None:
        return set()
    schema = definition.param_schema
    return {
        name
        for name, prop in (schema.get("properties") or {}).items()
        if "default" in prop and prop["default"] is None and widget_spec(prop, schema.get("$defs", {}))[0] == "STRING"
    }


def _is_link(value: Any, prompt: dict) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str | int)
        and not isinstance(value[0], bool)
        and isinstance(value[1], int)
        and not isinstance(value[1], bool)
        and str(value[0]) in prompt
    )


def _link(
    prompt: dict, registry: Registry, src: str, slot: int, dst: str, name: str
) -> tuple[list[str], Problem | None]:
    src_type = prompt[src].get("class_type") if isinstance(prompt[src], dict) else None
    definition = registry.get(src_type) if isinstance(src_type, str) else None
    if definition is None:
        return [], Problem(
            "unknown_node_type",
            src,
            None,
            f"node type {src_type!r} is not known, so input {dst}.{name} cannot be linked to its output {slot}",
        )
    outputs = list(definition.outputs)
    if not 0 <= slot < len(outputs):
        return [], Problem(
            "unknown_output",
            dst,
            name,
            f"{src} ({src_type}) has {len(outputs)} outputs "
            f"({', '.join(outputs) or 'none'}); slot {slot} does not exist",
        )
    return [src, outputs[slot], dst, name], None


# -- workflow → prompt ------------------------------------------------------------------
def workflow_to_prompt(workflow: dict[str, Any], registry: Registry) -> dict[str, Any]:
    """The ComfyUI API prompt for one of our workflows (for ``/queue`` and ``/history``)."""
    prompt: dict[str, Any] = {}
    for node_id, node in (workflow.get("nodes") or {}).items():
        entry: dict[str, Any] = {"class_type": node.get("type"), "inputs": dict(node.get("params") or {})}
        if node.get("title"):
            entry["_meta"] = {"title": node["title"]}
        prompt[node_id] = entry
    for src, output, dst, name in workflow.get("links") or []:
        definition = registry.get(workflow["nodes"].get(src, {}).get("type", ""))
        outputs = list(definition.outputs) if definition else []
        if dst in prompt:
            prompt[dst]["inputs"][name] = [src, outputs.index(output) if output in outputs else 0]
    return prompt


def comfy_embed(workflow: dict[str, Any], extra: dict[str, Any], registry: Registry) -> dict[str, Any]:
    """What files written by a run embed for the ComfyUI frontend, which restores a dropped
    file from its ``workflow`` (its own graph) or else its ``prompt`` (an API prompt): the API
    prompt always, the graph when the run was queued from that frontend
    (``extra_data.extra_pnginfo.workflow``). Our own workflow goes under its own key."""
    embed: dict[str, Any] = {"prompt": workflow_to_prompt(workflow, registry)}
    extra_data = extra.get("extra_data") or {}
    extra_data = extra_data if isinstance(extra_data, dict) else {}
    pnginfo = extra_data.get("extra_pnginfo")
    graph = pnginfo.get("workflow") if isinstance(pnginfo, dict) else None
    if isinstance(graph, dict) and isinstance(graph.get("nodes"), list):
        embed["workflow"] = graph
    return embed


# -- catalog → object_info --------------------------------------------------------------
def object_info(registry: Registry, models: Sequence[Any] | None = None) -> dict[str, Any]:
    return {d.id: node_info(d, models) for d in registry.all()}


def node_info(d: NodeDef, models: Sequence[Any] | None = None) -> dict[str, Any]:
    """One node in ComfyUI's ``/object_info`` shape. ``models`` (``server.models.ModelEntry``s)
    turns each ``widget="model"`` parameter into a combo of the loadable models of its kinds."""
    schema = d.param_schema
    defs = schema.get("$defs", {})
    required: dict[str, Any] = {}
    optional: dict[str, Any] = {}
    for name, sock in d.inputs.items():
        spec = [sock.type, {"tooltip": sock.description}] if sock.description else [sock.type]
        (optional if sock.optional else required)[name] = spec
    for name, prop in (schema.get("properties") or {}).items():
        required[name] = widget_spec(prop, defs)
        if prop.get("widget") == "model" and models is not None:
            required[name] = model_combo(
                required[name][1], prop.get("model_kinds") or [], models, optional=bool(prop.get("model_optional"))
            )
    return {
        "input": {"required": required, "optional": optional},
        "input_order": {"required": list(required), "optional": list(optional)},
        "output": [o.type for o in d.outputs.values()],
        "output_is_list": [False] * len(d.outputs),
        "output_name": list(d.outputs),
        "output_tooltips": [o.description for o in d.outputs.values()],
        "name": d.id,
        "display_name": d.title,
        "description": d.description,
        "python_module": d.module,
        "category": d.category,
        "output_node": d.output,
        "deprecated": False,
        "experimental": False,
    }


def widget_spec(prop: dict[str, Any], defs: dict[str, Any]) -> list[Any]:
    """A pydantic JSON-schema property as a ComfyUI widget spec:
    ``["INT", {"default", "min", "max", "step"}]``, ``[[choices...], {"default"}]``, ..."""
    resolved = _resolve(prop, defs)
    options: dict[str, Any] = {}
    if "default" in prop or "default" in resolved:
        options["default"] = prop.get("default", resolved.get("default"))
    null_default = "default" in options and options["default"] is None
    if null_default:  # "no value": ComfyUI's widgets would show the text "undefined"
        del options["default"]
    description = prop.get("description") or resolved.get("description")
    if description:
        options["tooltip"] = description
    if "enum" in resolved:
        return [list(resolved["enum"]), options]
    if "const" in resolved:
        return [[resolved["const"]], options]
    kind = COMFY_WIDGET.get(resolved.get("type", ""), "JSON")
    if kind in ("INT", "FLOAT"):
        bounds = {
            "min": resolved.get("minimum", resolved.get("exclusiveMinimum")),
            "max": resolved.get("maximum", resolved.get("exclusiveMaximum")),
            "step": resolved.get("step", prop.get("step", 1 if kind == "INT" else 0.01)),
        }
        options.update({k: v for k, v in bounds.items() if v is not None})
    if kind == "STRING":
        options["multiline"] = bool(resolved.get("multiline", prop.get("multiline", False)))
        if null_default:
            options["default"] = ""  # an empty field; sent back as "" and read as "no value"
    for key in ("widget", "advanced"):
        if key in prop:
            options[key] = prop[key]
    return [kind, options]


def model_combo(
    options: dict[str, Any], kinds: Sequence[str], models: Sequence[Any], *, optional: bool = False
) -> list[Any]:
    """``[[model values...], options]``, as ComfyUI shows its checkpoint lists. Our server still
    takes any path or hub id for the parameter; the list is what this machine has. An
    ``optional`` model (the node works without one) lists the empty value first, as the default."""
    choices = [m.value for m in models if m.loadable and (not kinds or m.kind in kinds)]
    if optional:
        choices = ["", *choices]
    combo = {k: v for k, v in options.items() if k not in ("multiline", "default")}
    if options.get("default") in choices:  # a blank default is no choice: ComfyUI then shows the first
        combo["default"] = options["default"]
    return [choices, combo]


def _resolve(prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """Follow ``$ref`` / ``allOf`` and drop the ``null`` branch of an optional type."""
    if "$ref" in prop:
        return _resolve(defs.get(prop["$ref"].rsplit("/", 1)[-1], {}), defs)
    if len(prop.get("allOf", [])) == 1:
        return _resolve(prop["allOf"][0], defs)
    branches = [b for b in prop.get("anyOf", []) if b.get("type") != "null"]
    if branches:
        merged = {**_resolve(branches[0], defs)}
        if all("const" in b for b in branches):
            merged = {"enum": [b["const"] for b in branches]}
        return merged
    return prop
