// Parameter schema → widget specs. The only place that reads a node's JSON Schema.
//
// A node's params arrive as the JSON Schema pydantic writes (`properties`, `$defs`,
// `anyOf` for optional values) plus the contract's hints on each property: `step`,
// `multiline`, `widget` ("seed" | "file" | "color" | "model"), `model_kinds` (what a model
// parameter accepts) and `advanced`. Each property becomes one plain spec object; the canvas
// module turns specs into drawn widgets. No node id appears here: every node's widgets come
// from its schema.

/** Widget kinds: text (multiline), string, number, combo, toggle, seed, file, model, color, json. */
export function widgetSpecs(contract) {
  const schema = contract.params || {};
  const properties = schema.properties || {};
  const linkable = contract.linkable_params || {};
  return Object.entries(properties).map(([name, prop]) =>
    specFor(name, resolve(prop, schema), linkable[name] || null),
  );
}

/** Follow `$ref`/`allOf` into `$defs` and unwrap `anyOf: [X, null]` into X + nullable. */
function resolve(prop, root) {
  let p = { ...prop };
  const deref = (x) => {
    const ref = x?.$ref;
    if (!ref || !ref.startsWith("#/$defs/")) return x;
    return { ...root.$defs?.[ref.slice(8)], ...x, $ref: undefined };
  };
  p = deref(p);
  if (Array.isArray(p.allOf) && p.allOf.length === 1) p = { ...deref(p.allOf[0]), ...p, allOf: undefined };
  const variants = p.anyOf || p.oneOf;
  if (Array.isArray(variants)) {
    const real = variants.filter((v) => v.type !== "null").map(deref);
    const nullable = real.length < variants.length;
    if (real.length === 1) p = { ...real[0], ...p, anyOf: undefined, oneOf: undefined, nullable };
    else p = { ...p, nullable };
  }
  return p;
}

function specFor(name, p, linkType) {
  const spec = {
    name,
    label: name.replaceAll("_", " "),
    description: p.description || "",
    default: p.default ?? null,
    advanced: Boolean(p.advanced),
    nullable: Boolean(p.nullable),
    linkType,
    kind: "json",
  };
  const choices = p.enum ?? (p.const !== undefined ? [p.const] : null);
  if (p.widget === "seed") return { ...spec, ...numberRange(p, "integer"), kind: "seed" };
  if (p.widget === "file") return { ...spec, kind: "file", accept: p.accept || "" };
  if (p.widget === "model") return { ...spec, kind: "model", modelKinds: p.model_kinds ?? [] };
  if (p.widget === "color") return { ...spec, kind: "color" };
  if (choices) return { ...spec, kind: "combo", values: choices };
  if (p.type === "boolean") return { ...spec, kind: "toggle" };
  if (p.type === "integer" || p.type === "number") return { ...spec, ...numberRange(p, p.type), kind: "number" };
  if (p.type === "string") return { ...spec, kind: p.multiline ? "text" : "string", maxLength: p.maxLength };
  return spec;
}

function numberRange(p, type) {
  const integer = type === "integer";
  const min = p.minimum ?? (p.exclusiveMinimum !== undefined ? p.exclusiveMinimum : undefined);
  const max = p.maximum ?? (p.exclusiveMaximum !== undefined ? p.exclusiveMaximum : undefined);
  let step = p.step;
  if (step === undefined) {
    step = integer ? 1 : min !== undefined && max !== undefined && max > min ? niceStep((max - min) / 100) : 0.01;
  }
  return { integer, min, max, step, precision: integer ? 0 : decimals(step) };
}

/** A round step near `raw` (1, 2 or 5 times a power of ten). */
function niceStep(raw) {
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit >= 5 ? 5 : unit >= 2 ? 2 : 1) * power;
}

function decimals(step) {
  const text = String(step);
  if (text.includes("e-")) return Number(text.split("e-")[1]);
  return text.includes(".") ? text.split(".")[1].length : 0;
}

/** Snap a typed or dragged number onto the spec's grid and range. */
export function clampNumber(spec, value) {
  let v = Number(value);
  if (!Number.isFinite(v)) return spec.default ?? 0;
  if (spec.min !== undefined) v = Math.max(spec.min, v);
  if (spec.max !== undefined) v = Math.min(spec.max, v);
  if (spec.integer) return Math.round(v);
  return Number(v.toFixed(Math.max(spec.precision, 0)));
}

/** Why `value` is outside the spec's range ("-5 is below the minimum 0; allowed: 0 to 100"), or null. */
export function rangeError(spec, value) {
  const allowed = spec.min !== undefined && spec.max !== undefined ? `${spec.min} to ${spec.max}`
    : spec.min !== undefined ? `${spec.min} or more` : `${spec.max} or less`;
  if (spec.min !== undefined && value < spec.min) return `${value} is below the minimum ${spec.min}; allowed: ${allowed}`;
  if (spec.max !== undefined && value > spec.max) return `${value} is above the maximum ${spec.max}; allowed: ${allowed}`;
  if (spec.integer && !Number.isInteger(value)) return `${value} is not a whole number`;
  return null;
}

/** A fresh random seed inside the spec's range (32 bits unless the schema says less). */
export function randomSeed(spec) {
  const lo = Math.max(spec.min ?? 0, 0);
  const hi = Math.min(spec.max ?? 2 ** 32 - 1, Number.MAX_SAFE_INTEGER);
  return lo + Math.floor(Math.random() * (hi - lo + 1));
}

/** The value a fresh node starts with. */
export function defaultValue(spec) {
  if (spec.default !== null && spec.default !== undefined) return structuredClone(spec.default);
  if (spec.nullable) return null;
  switch (spec.kind) {
    case "number":
    case "seed":
      return spec.min ?? 0;
    case "toggle":
      return false;
    case "combo":
      return spec.values[0];
    default:
      return "";
  }
}

/** Short text for a value on a widget. */
export function displayValue(spec, value) {
  if (value === null || value === undefined) return spec.nullable ? "auto" : "";
  if (spec.kind === "number") return Number(value).toFixed(spec.precision);
  if (spec.kind === "json") return JSON.stringify(value);
  if (spec.kind === "model") return modelName(value);
  return String(value);
}

/**
 * What a model value is called on a widget: a hub id (`org/name`) as it is, a folder by its
 * last part. The path test is the server's (`server/models/resolve.py`, `_looks_like_path`).
 */
export function modelName(value) {
  const text = String(value ?? "").trim().replace(/[\\/]+$/, "");
  const isPath = /^[/.~]/.test(text) || text.includes("\\") || text.split("/").length > 2;
  return isPath ? text.split(/[\\/]/).pop() : text;
}
