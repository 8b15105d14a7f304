// Converts an OpenAPI 3.0 schema object into JSON Schema that ajv (draft-07) understands.
// The walk follows schema positions only, so a *property* called "nullable" or "example" is left alone.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type SchemaObject = { [key: string]: Json };

// OpenAPI annotations with no JSON Schema meaning; ajv would otherwise reject or warn about them.
const DROPPED_KEYWORDS = new Set(['example', 'xml', 'externalDocs', 'discriminator', 'nullable']);
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'definitions']);
const SCHEMA_LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf']);
const SINGLE_SCHEMA_KEYWORDS = new Set(['items', 'additionalProperties', 'not']);

export function toJsonSchema(schema: unknown): unknown {
  if (typeof schema === 'boolean') return schema;
  if (!isObject(schema)) return {};
  const result: SchemaObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED_KEYWORDS.has(key) || key.startsWith('x-')) continue;
    if (SCHEMA_MAP_KEYWORDS.has(key) && isObject(value)) {
      result[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v) as Json]));
    } else if (SCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) {
      result[key] = value.map((v) => toJsonSchema(v) as Json);
    } else if (SINGLE_SCHEMA_KEYWORDS.has(key) && (isObject(value) || Array.isArray(value))) {
      result[key] = Array.isArray(value)
        ? value.map((v) => toJsonSchema(v) as Json)
        : (toJsonSchema(value) as Json);
    } else {
      result[key] = value;
    }
  }
  convertExclusiveBound(result, 'exclusiveMinimum', 'minimum');
  convertExclusiveBound(result, 'exclusiveMaximum', 'maximum');
  return schema['nullable'] === true ? allowNull(result) : result;
}

/** OpenAPI 3.0 `nullable: true` → the value may also be null. */
function allowNull(schema: SchemaObject): SchemaObject {
  const type = schema['type'];
  if (typeof type === 'string' || Array.isArray(type)) {
    const types = Array.isArray(type) ? type : [type];
    const enumValues = schema['enum'];
    return {
      ...schema,
      type: types.includes('null') ? types : [...types, 'null'],
      ...(Array.isArray(enumValues) && !enumValues.includes(null) ? { enum: [...enumValues, null] } : {})
    };
  }
  // No `type` (e.g. only allOf): null is an alternative to the whole schema.
  return { anyOf: [{ type: 'null' }, schema] };
}

/** OpenAPI 3.0 writes `exclusiveMinimum: true` next to `minimum`; draft-07 wants the bound itself. */
function convertExclusiveBound(schema: SchemaObject, exclusiveKey: string, boundKey: string): void {
  if (typeof schema[exclusiveKey] !== 'boolean') return;
  if (schema[exclusiveKey] && typeof schema[boundKey] === 'number') {
    schema[exclusiveKey] = schema[boundKey];
    delete schema[boundKey];
  } else {
    delete schema[exclusiveKey];
  }
}

function isObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
