// Subgraphs in the editor, as plain data (no canvas): turning a selection into a definition
// and back, and the catalog-style contract a subgraph node is drawn from.
//
// A definition is what the workflow file stores under "subgraphs" (server/engine/subgraphs.py
// flattens it for a run): inner `nodes` and `links`, and the exposed `inputs` (name → inner
// [node, input] pairs), `outputs` (name → inner [node, output]) and `params` (name → inner
// [node, param]). Every inner parameter that has a widget is exposed, so the subgraph node
// edits what its nodes do without opening it; Unpack gives the nodes back for rewiring.

export const PREFIX = "subgraph:";

/**
 * The definition for the selected node records, and how the new node connects outside.
 * @param records nodeRecords() of the selected nodes
 * @param links every link record of the graph
 * @param contractOf (type) → contract
 * @returns {definition, params, incoming: [[fromNode, output, exposedInput]], outgoing: [[exposedOutput, toNode, input]], pos}
 */
export function collapse(records, links, contractOf, title) {
  const inside = new Set(records.map((r) => r.id));
  const x0 = Math.min(...records.map((r) => r.pos[0]));
  const y0 = Math.min(...records.map((r) => r.pos[1]));
  const nodes = {};
  for (const r of records) {
    const entry = { type: r.type };
    if (r.title) entry.title = r.title;
    if (r.mode) entry.mode = r.mode;
    entry.params = r.params;
    entry.ui = { pos: [r.pos[0] - x0, r.pos[1] - y0], size: r.size };
    nodes[r.id] = entry;
  }
  const inputs = {};
  const outputs = {};
  const incoming = [];
  const outgoing = [];
  const inner = [];
  const taken = new Set();
  const unique = (base) => {
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
  const byOutput = new Map(); // "node output" of an inner output already exposed → its name
  for (const [from, out, to, input] of links) {
    const a = inside.has(from);
    const b = inside.has(to);
    if (a && b) inner.push([from, out, to, input]);
    else if (b) {
      const name = unique(input);
      inputs[name] = [[to, input]];
      incoming.push([from, out, name]);
    } else if (a) {
      const key = `${from} ${out}`;
      if (!byOutput.has(key)) {
        const name = unique(out);
        byOutput.set(key, name);
        outputs[name] = [from, out];
      }
      outgoing.push([byOutput.get(key), to, input]);
    }
  }
  const params = {};
  const exposed = {};
  const counts = new Map();
  for (const r of records) for (const p of Object.keys(paramProps(contractOf(r.type)))) counts.set(p, (counts.get(p) ?? 0) + 1);
  for (const r of records) {
    for (const p of Object.keys(paramProps(contractOf(r.type)))) {
      if (!(p in r.params)) continue;
      const name = counts.get(p) > 1 ? `${r.id}.${p}` : p;
      exposed[name] = [r.id, p];
      params[name] = r.params[p];
    }
  }
  const definition = { title, nodes, links: inner, inputs, outputs, params: exposed };
  return { definition, params, incoming, outgoing, pos: [x0, y0] };
}

/**
 * The catalog-style contract a subgraph node is built from: its sockets typed from the inner
 * sockets they reach, its widgets the inner parameters' schemas (defaults: the inner values).
 */
export function subgraphContract(name, def, contractOf) {
  const nodeType = (id) => def.nodes?.[id]?.type;
  const inputs = {};
  for (const [k, pairs] of Object.entries(def.inputs ?? {})) {
    const [node, input] = pairs[0] ?? [];
    const c = contractOf(nodeType(node));
    const type = c?.inputs?.[input]?.type ?? c?.linkable_params?.[input] ?? "*";
    inputs[k] = { type, optional: Boolean(c?.inputs?.[input]?.optional), description: `→ ${node}.${input}` };
  }
  const outputs = {};
  for (const [k, [node, output]] of Object.entries(def.outputs ?? {})) {
    outputs[k] = { type: contractOf(nodeType(node))?.outputs?.[output]?.type ?? "*", description: `← ${node}.${output}` };
  }
  const properties = {};
  const defs = {};
  for (const [k, [node, param]] of Object.entries(def.params ?? {})) {
    const c = contractOf(nodeType(node));
    const prop = c?.params?.properties?.[param];
    if (!prop) continue;
    Object.assign(defs, c.params.$defs ?? {});
    const value = def.nodes[node].params?.[param];
    properties[k] = { ...prop, default: value ?? prop.default, description: `${node}.${param}: ${prop.description ?? ""}` };
  }
  const count = Object.keys(def.nodes ?? {}).length;
  return {
    id: `${PREFIX}${name}`,
    title: def.title || name,
    category: "subgraph",
    version: "1.0.0",
    description: `A subgraph of ${count} node(s). Right-click → Unpack subgraph to edit its wiring.`,
    inputs,
    outputs,
    params: { type: "object", properties, $defs: defs },
    output: Object.values(def.nodes ?? {}).some((n) => contractOf(n.type)?.output),
  };
}

/** The subgraph names `types` use, and those their definitions use in turn. */
export function usedSubgraphs(types, definitions) {
  const used = new Set();
  const stack = [...types];
  while (stack.length) {
    const type = stack.pop();
    if (!type?.startsWith(PREFIX)) continue;
    const name = type.slice(PREFIX.length);
    if (used.has(name) || !definitions.has(name)) continue;
    used.add(name);
    stack.push(...Object.values(definitions.get(name).nodes ?? {}).map((n) => n.type));
  }
  return [...used].sort();
}

function paramProps(contract) {
  return contract?.params?.properties ?? {};
}
