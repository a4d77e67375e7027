// An example value for a JSON Schema, to prefill the endpoint tester's body: objects get every
// property, strings "", numbers 0, booleans false, arrays [], enums their first value.

export const EXAMPLE_UUID = "3fa85f64-5717-4562-b3fc-2c963f66afa6";

const pad = (n) => String(n).padStart(2, "0");

function today() {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function resolveRef(ref, root) {
  if (typeof ref !== "string" || !ref.startsWith("#/")) return null;
  let node = root;
  for (const raw of ref.slice(2).split("/")) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (!node || typeof node !== "object" || !(part in node)) return null;
    node = node[part];
  }
  return node;
}

export function exampleFor(schema, root = schema, depth = 0) {
  if (!schema || typeof schema !== "object" || depth > 12) return null;
  if (schema.$ref) {
    const target = resolveRef(schema.$ref, root);
    return target ? exampleFor(target, root, depth + 1) : null;
  }
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  for (const key of ["oneOf", "anyOf"]) {
    if (Array.isArray(schema[key]) && schema[key].length) {
      const choice = schema[key].find((s) => s && s.type !== "null") || schema[key][0];
      return exampleFor(choice, root, depth + 1);
    }
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length) {
    const parts = schema.allOf.map((s) => exampleFor(s, root, depth + 1));
    if (parts.every((p) => p && typeof p === "object" && !Array.isArray(p))) {
      return Object.assign({}, ...parts);
    }
    return parts[0];
  }
  let type = schema.type;
  if (Array.isArray(type)) type = type.find((t) => t !== "null") || type[0];
  if (!type) {
    if (schema.properties) type = "object";
    else if (schema.items) type = "array";
  }
  switch (type) {
    case "object": {
      const out = {};
      const props = schema.properties && typeof schema.properties === "object" ? schema.properties : {};
      for (const [name, sub] of Object.entries(props)) out[name] = exampleFor(sub, root, depth + 1);
      return out;
    }
    case "array":
      return [];
    case "string":
      if (schema.format === "uuid") return EXAMPLE_UUID;
      if (schema.format === "date") return today();
      if (schema.format === "date-time") return new Date().toISOString();
      return "";
    case "number":
    case "integer":
      return 0;
    case "boolean":
      return false;
    case "null":
      return null;
    default:
      return null;
  }
}
