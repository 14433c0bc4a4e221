/**
 * fast-check arbitraries derived from JSON Schema (the OpenAPI document the app generates from its zod schemas, since
 * zod-fast-check does not support zod 4), a small validator for the same subset, and the mutations the fuzz applies to
 * valid instances: wrong types, extreme numbers, huge strings, deep nesting, duplicate and poisoning keys, invalid
 * UTF-8, wrong content types, truncation, and their query-string counterparts.
 *
 * Supported keywords: type (incl. arrays of types), properties, required, additionalProperties, propertyNames, enum,
 * const, minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength, maxLength, pattern, items, minItems,
 * maxItems, anyOf, oneOf (generated as anyOf), $ref to #/components. Anything else throws, so a schema using a new
 * keyword is noticed rather than silently fuzzed wrong.
 */
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
}

/** Keywords that only annotate; the generator and validator ignore them. */
const ANNOTATIONS = new Set([
  'description',
  'title',
  'examples',
  'example',
  'default',
  'readOnly',
  'writeOnly',
]);
const KNOWN = new Set([
  ...ANNOTATIONS,
  'type',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'enum',
  'const',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'items',
  'minItems',
  'maxItems',
  'anyOf',
  'oneOf',
  '$ref',
]);

/** Generation stays small so a thousand cases run in seconds; the mutations supply the large inputs. */
const MAX_GENERATED_ITEMS = 4;
const MAX_GENERATED_STRING_LENGTH = 24;
/** Each optional property appears in about 1 of 3 instances: enough to reach every field, few enough to stay valid. */
const OPTIONAL_PRESENT_FREQ = 3;

export function resolveRef(schema: JsonSchema, root: unknown): JsonSchema {
  if (schema.$ref === undefined) return schema;
  if (!schema.$ref.startsWith('#/')) throw new Error(`unsupported $ref ${schema.$ref}`);
  let target: unknown = root;
  for (const segment of schema.$ref.slice(2).split('/'))
    target = (target as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  if (target === undefined) throw new Error(`unresolved $ref ${schema.$ref}`);
  return resolveRef(target as JsonSchema, root);
}

function checkKeywords(schema: JsonSchema): void {
  for (const key of Object.keys(schema))
    if (!KNOWN.has(key)) throw new Error(`fuzz generator does not support the keyword "${key}"`);
}

function typesOf(schema: JsonSchema): string[] | undefined {
  if (schema.type === undefined) return undefined;
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

interface Bounds {
  lo: number;
  hi: number;
  loExclusive: boolean;
  hiExclusive: boolean;
  integer: boolean;
}

function boundsOf(schema: JsonSchema, integer: boolean): Bounds {
  const loExclusive = schema.minimum === undefined && schema.exclusiveMinimum !== undefined;
  const hiExclusive = schema.maximum === undefined && schema.exclusiveMaximum !== undefined;
  return {
    lo: schema.minimum ?? schema.exclusiveMinimum ?? -Number.MAX_VALUE,
    hi: schema.maximum ?? schema.exclusiveMaximum ?? Number.MAX_VALUE,
    loExclusive,
    hiExclusive,
    integer,
  };
}

function inBounds(x: number, b: Bounds): boolean {
  if (!Number.isFinite(x)) return false;
  if (b.integer && !Number.isInteger(x)) return false;
  return (b.loExclusive ? x > b.lo : x >= b.lo) && (b.hiExclusive ? x < b.hi : x <= b.hi);
}

/** 10^u for u uniform between the logs of two positive ends: every order of magnitude equally likely. */
function logUniform(lo: number, hi: number): fc.Arbitrary<number> {
  const [a, b] = [Math.log10(lo), Math.log10(hi)];
  return fc.double({ min: a, max: b, noNaN: true }).map((u) => 10 ** u);
}

/**
 * Numbers inside the bounds, mixed from: ordinary integers (|x| <= 1e6), log-uniform magnitudes (a budget of 1e-6 to
 * 1e30 hits every decade), the exact and just-inside bounds, and fast-check's own doubles.
 */
function numberArbitrary(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const b = boundsOf(schema, integer);
  const sources: fc.WeightedArbitrary<number>[] = [];
  const ordinaryLo = Math.max(Math.ceil(b.lo), -1e6);
  const ordinaryHi = Math.min(Math.floor(b.hi), 1e6);
  if (ordinaryLo <= ordinaryHi)
    sources.push({ arbitrary: fc.integer({ min: ordinaryLo, max: ordinaryHi }), weight: 3 });
  if (b.hi > 0) {
    // Positive magnitudes from the lower bound (or a millionth) up to the upper bound (or 1e30 when unbounded).
    const lo = b.lo > 0 ? b.lo : Math.min(1e-6, b.hi);
    const hi = Math.min(b.hi, 1e30);
    if (lo < hi) sources.push({ arbitrary: logUniform(lo, hi), weight: 4 });
  }
  if (b.lo < 0) {
    const lo = b.hi < 0 ? -b.hi : Math.min(1e-6, -b.lo);
    const hi = Math.min(-b.lo, 1e30);
    if (lo < hi) sources.push({ arbitrary: logUniform(lo, hi).map((x) => -x), weight: 1 });
  }
  const edges = [b.lo, b.hi, nextUp(b.lo), nextDown(b.hi), Math.ceil(b.lo), Math.floor(b.hi)].filter((x) =>
    inBounds(x, b),
  );
  if (edges.length > 0) sources.push({ arbitrary: fc.constantFrom(...edges), weight: 1 });
  sources.push({
    arbitrary: integer
      ? fc.integer({
          min: Math.max(Math.ceil(b.lo), Number.MIN_SAFE_INTEGER),
          max: Math.min(Math.floor(b.hi), Number.MAX_SAFE_INTEGER),
        })
      : fc.double({
          min: b.lo,
          max: b.hi,
          minExcluded: b.loExclusive,
          maxExcluded: b.hiExclusive,
          noNaN: true,
          noDefaultInfinity: true,
        }),
    weight: 1,
  });
  return fc
    .oneof(...sources)
    .map((x) => (integer ? Math.round(x) : x))
    .filter((x) => inBounds(x, b));
}

function nextUp(x: number): number {
  if (!Number.isFinite(x)) return x;
  if (x === 0) return Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigInt64(0, view.getBigInt64(0) + (x > 0 ? 1n : -1n));
  return view.getFloat64(0);
}

function nextDown(x: number): number {
  return -nextUp(-x);
}

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(
    schema.maxLength ?? Number.POSITIVE_INFINITY,
    minLength + MAX_GENERATED_STRING_LENGTH,
  );
  const base =
    schema.pattern === undefined
      ? fc.string({ minLength, maxLength })
      : fc.stringMatching(new RegExp(schema.pattern));
  // JSON Schema lengths count code points.
  return base.filter((s) => [...s].length >= minLength && [...s].length <= (schema.maxLength ?? Infinity));
}

/** Valid instances of `schema`; `root` holds the components $ref points into. */
export function arbitraryFromSchema(schema: JsonSchema, root: unknown): fc.Arbitrary<unknown> {
  const s = resolveRef(schema, root);
  checkKeywords(s);
  if ('const' in s) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives)
    return fc.oneof(...alternatives.map((alternative) => arbitraryFromSchema(alternative, root)));
  const types = typesOf(s);
  if (types === undefined) return fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(...types.map((type) => arbitraryOfType(type, s, root)));
}

function arbitraryOfType(type: string, s: JsonSchema, root: unknown): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number':
      return numberArbitrary(s, type === 'integer');
    case 'string':
      return stringArbitrary(s);
    case 'array': {
      const minLength = s.minItems ?? 0;
      const maxLength = Math.min(s.maxItems ?? Number.POSITIVE_INFINITY, minLength + MAX_GENERATED_ITEMS);
      return fc.array(s.items ? arbitraryFromSchema(s.items, root) : fc.jsonValue({ maxDepth: 2 }), {
        minLength,
        maxLength,
      });
    }
    case 'object':
      return objectArbitrary(s, root);
    default:
      throw new Error(`unsupported type ${type}`);
  }
}

function objectArbitrary(s: JsonSchema, root: unknown): fc.Arbitrary<Record<string, unknown>> {
  const required = new Set(s.required ?? []);
  // Each field with a die: an optional field is sent when its die shows the top face, so shrinking drops it.
  const fields = Object.entries(s.properties ?? {}).map(([key, propertySchema]) =>
    fc.tuple(fc.constant(key), arbitraryFromSchema(propertySchema, root), fc.nat(OPTIONAL_PRESENT_FREQ - 1)),
  );
  const extra =
    s.additionalProperties !== undefined && s.additionalProperties !== false && s.properties === undefined
      ? fc.dictionary(
          s.propertyNames
            ? (arbitraryFromSchema(s.propertyNames, root) as fc.Arbitrary<string>)
            : fc.string(),
          s.additionalProperties === true
            ? fc.jsonValue({ maxDepth: 2 })
            : arbitraryFromSchema(s.additionalProperties, root),
          { maxKeys: MAX_GENERATED_ITEMS },
        )
      : fc.constant({});
  return fc.tuple(fc.tuple(...fields), extra).map(([entries, additional]) => {
    const object: Record<string, unknown> = { ...additional };
    for (const [key, value, die] of entries)
      if (required.has(key) || die === OPTIONAL_PRESENT_FREQ - 1) object[key] = value;
    return object;
  });
}

/** A copy of `schema` with `patch` merged into the subschema at the property path `keys`. */
export function patchSchema(
  schema: JsonSchema,
  keys: readonly string[],
  patch: Partial<JsonSchema>,
): JsonSchema {
  if (keys.length === 0) return { ...schema, ...patch };
  const [key, ...rest] = keys as [string, ...string[]];
  const property = schema.properties?.[key];
  if (!property) throw new Error(`no property ${key} to patch`);
  return { ...schema, properties: { ...schema.properties, [key]: patchSchema(property, rest, patch) } };
}

/** The subschema that governs `path` inside instances of `schema`; undefined under anyOf/oneOf (ambiguous). */
function schemaAt(schema: JsonSchema, path: Path, root: unknown): JsonSchema | undefined {
  let current: JsonSchema | undefined = schema;
  for (const segment of path) {
    if (current === undefined) return undefined;
    const s = resolveRef(current, root);
    if (s.anyOf || s.oneOf) return undefined;
    if (typeof segment === 'number') current = s.items ?? {};
    else
      current =
        s.properties?.[segment] ??
        (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined) ??
        (s.additionalProperties === true ? {} : undefined);
  }
  return current;
}

/**
 * Valid instances: half fresh from the schema, half a documented example with one subtree regenerated from its
 * subschema. The schema cannot say that budget.accelerator goes only with gpu_hours or that a fit needs five runs;
 * the examples do, so crossing them with generated parts reaches the planner instead of only its 400s.
 */
export function validInstanceArbitrary(
  schema: JsonSchema,
  root: unknown,
  examples: readonly unknown[],
): fc.Arbitrary<unknown> {
  const fresh = arbitraryFromSchema(schema, root);
  if (examples.length === 0) return fresh;
  const seeded = fc.tuple(fc.constantFrom(...examples), fc.nat()).chain(([example, spot]) => {
    const paths = pathsOf(example).filter(
      (path) => path.length > 0 && schemaAt(schema, path, root) !== undefined,
    );
    if (paths.length === 0) return fc.constant(example);
    const path = pick(paths, spot);
    return arbitraryFromSchema(schemaAt(schema, path, root) as JsonSchema, root).map((part) =>
      setAt(example, path, part),
    );
  });
  return fc.oneof(fresh, seeded);
}

/** Every way `value` breaks `schema`, as "path: reason" lines; empty when it conforms. */
export function validate(value: unknown, schema: JsonSchema, root: unknown, path = '$'): string[] {
  const s = resolveRef(schema, root);
  checkKeywords(s);
  const errors: string[] = [];
  const fail = (reason: string) => errors.push(`${path}: ${reason}`);
  if ('const' in s && JSON.stringify(value) !== JSON.stringify(s.const))
    fail(`not ${JSON.stringify(s.const)}`);
  if (s.enum && !s.enum.some((option) => JSON.stringify(option) === JSON.stringify(value)))
    fail(`${JSON.stringify(value)?.slice(0, 40)} not in enum`);
  if (s.anyOf && !s.anyOf.some((alternative) => validate(value, alternative, root, path).length === 0))
    fail('matches no anyOf alternative');
  if (
    s.oneOf &&
    s.oneOf.filter((alternative) => validate(value, alternative, root, path).length === 0).length !== 1
  )
    fail('does not match exactly one oneOf alternative');
  const types = typesOf(s);
  if (types && !types.some((type) => hasType(value, type))) {
    fail(`expected ${types.join('|')}, got ${value === null ? 'null' : typeof value}`);
    return errors;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail('not finite');
    if (s.minimum !== undefined && !(value >= s.minimum)) fail(`below minimum ${s.minimum}`);
    if (s.maximum !== undefined && !(value <= s.maximum)) fail(`above maximum ${s.maximum}`);
    if (s.exclusiveMinimum !== undefined && !(value > s.exclusiveMinimum))
      fail(`not > ${s.exclusiveMinimum}`);
    if (s.exclusiveMaximum !== undefined && !(value < s.exclusiveMaximum))
      fail(`not < ${s.exclusiveMaximum}`);
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (s.minLength !== undefined && length < s.minLength) fail(`shorter than ${s.minLength}`);
    if (s.maxLength !== undefined && length > s.maxLength) fail(`longer than ${s.maxLength}`);
    if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(value))
      fail(`does not match ${s.pattern}`);
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) fail(`fewer than ${s.minItems} items`);
    if (s.maxItems !== undefined && value.length > s.maxItems) fail(`more than ${s.maxItems} items`);
    if (s.items)
      for (const [index, item] of value.entries())
        errors.push(...validate(item, s.items as JsonSchema, root, `${path}[${index}]`));
  } else if (typeof value === 'object' && value !== null) {
    const object = value as Record<string, unknown>;
    for (const key of s.required ?? []) if (!Object.hasOwn(object, key)) fail(`missing ${key}`);
    for (const [key, item] of Object.entries(object)) {
      const known = s.properties?.[key];
      if (known) errors.push(...validate(item, known, root, `${path}.${key}`));
      else if (s.additionalProperties === false) fail(`unknown property ${key}`);
      else if (typeof s.additionalProperties === 'object')
        errors.push(...validate(item, s.additionalProperties, root, `${path}.${key}`));
      if (s.propertyNames) errors.push(...validate(key, s.propertyNames, root, `${path}{${key}}`));
    }
  }
  return errors;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    default:
      return typeof value === type;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Mutations of JSON bodies
// ---------------------------------------------------------------------------------------------------------------

/** What a fuzz case sends as a body. `payload` undefined sends none; `contentType` undefined sends no header. */
export interface BodyCase {
  /** Which mutation made it, for statistics and failure messages. */
  kind: string;
  payload: string | Buffer | undefined;
  contentType: string | undefined;
}

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (Array.isArray(value))
    for (const [index, item] of value.entries()) paths.push(...pathsOf(item, [...prefix, index]));
  else if (typeof value === 'object' && value !== null)
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  return paths;
}

function pick<T>(items: readonly T[], seed: number): T {
  return items[seed % items.length] as T;
}

/** A copy of `value` with the thing at `path` replaced. */
function setAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = JSON.parse(JSON.stringify(value));
  let parent = copy;
  for (const segment of path.slice(0, -1)) parent = parent[segment];
  parent[path[path.length - 1] as string] = replacement;
  return copy;
}

function objectPaths(value: unknown): Path[] {
  return pathsOf(value).filter((path) => {
    const target = at(value, path);
    return typeof target === 'object' && target !== null && !Array.isArray(target);
  });
}

function at(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, segment) => (node as Record<string | number, unknown>)[segment], value);
}

/** Marks where raw text goes in stringified JSON; fast-check's strings never contain it. */
const RAW_VALUE = '\u0001raw-value\u0001';
const RAW_MEMBER = '\u0001raw-member\u0001';
const stringifiedRawValue = JSON.stringify(RAW_VALUE);
const stringifiedRawMember = `${JSON.stringify(RAW_MEMBER)}:0`;

/** JSON text of `value` with raw JSON text (not expressible as a JS value: 1e400, duplicates) at `path`. */
function withRawValue(value: unknown, path: Path, raw: string): string {
  return JSON.stringify(setAt(value, path, RAW_VALUE)).replace(stringifiedRawValue, () => raw);
}

/** JSON text of `value` with a raw member (`"key": value` text) added to the object at `path`. */
function withRawMember(value: unknown, path: Path, rawMember: string): string {
  const target = { ...(at(value, path) as Record<string, unknown>), [RAW_MEMBER]: 0 };
  const text = JSON.stringify(setAt(value, path, target));
  return text.replace(stringifiedRawMember, () => rawMember);
}

/** Values of every JSON type, to put where a field of another type belongs. */
const WRONG_TYPE_VALUES: unknown[] = [
  'x',
  '',
  '5000',
  '1e3',
  0,
  -1,
  1.5,
  true,
  false,
  null,
  [],
  [1],
  {},
  { a: 1 },
];

/** Numbers at the edges of IEEE 754 doubles and past them, as raw JSON text. */
const EXTREME_NUMBERS = [
  '1e308',
  '-1e308',
  '-0',
  '0',
  '5e-324',
  '-5e-324',
  '2.2250738585072014e-308',
  String(Number.MAX_SAFE_INTEGER + 2),
  '9007199254740993',
  '1.7976931348623157e308',
  '1e400',
  '-1e400',
  '1e-400',
  '1E+999999999',
  '123456789012345678901234567890123456789',
  `0.${'0'.repeat(400)}1`,
  '1e-7',
  '0.30000000000000004',
];

const HUGE_STRING_LENGTH = 100_000;
const DEEP_NESTING_LEVELS = 10_000;

const deepArrays = `${'['.repeat(DEEP_NESTING_LEVELS)}${']'.repeat(DEEP_NESTING_LEVELS)}`;
const deepObjects = `${'{"a":'.repeat(DEEP_NESTING_LEVELS)}1${'}'.repeat(DEEP_NESTING_LEVELS)}`;

/** Members that try to reach Object.prototype, including a unicode-escaped spelling of __proto__. */
const POISONING_MEMBERS = [
  '"__proto__":{"polluted":true}',
  '"constructor":{"prototype":{"polluted":true}}',
  '"\\u005f_proto__":{"polluted":true}',
  '"__proto__":null',
  '"constructor":1',
  '"prototype":{"polluted":true}',
  '"hasOwnProperty":1',
  '"toString":"x"',
];

/** Bytes that are not UTF-8: a lone continuation byte, 0xFF, an overlong '/', a UTF-16 surrogate, a truncated sequence. */
const INVALID_UTF8 = [
  [0x80],
  [0xff],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xe2, 0x82],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
];

const WRONG_CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/xml',
  'application/jsonx',
  'application/problem+json',
  'application/json-patch+json',
  '',
  'application/octet-stream',
  '*/*',
];

/**
 * Valid instances of `schema` as bodies, either as they are (kind "valid") or mutated. The mutation picks its place
 * from every path of the instance, so each field in turn gets the wrong type, an extreme number, and so on.
 */
export function bodyCaseArbitrary(
  schema: JsonSchema,
  root: unknown,
  examples: readonly unknown[] = [],
): fc.Arbitrary<BodyCase> {
  const valid = validInstanceArbitrary(schema, root, examples);
  const json = (kind: string, payload: string): BodyCase => ({
    kind,
    payload,
    contentType: 'application/json',
  });
  const mutation = fc
    .record({
      value: valid,
      spot: fc.nat(),
      choice: fc.nat(),
      text: fc.string({ unit: 'grapheme', maxLength: 20 }),
    })
    .map(({ value, spot, choice, text }): BodyCase => {
      const path = pick(pathsOf(value), spot);
      const objectPath = pick([...objectPaths(value), []], spot);
      const kind = pick(MUTATIONS, choice);
      const n = Math.floor(choice / MUTATIONS.length);
      switch (kind) {
        case 'wrong_type':
          return json(kind, JSON.stringify(setAt(value, path, pick(WRONG_TYPE_VALUES, n))));
        case 'extreme_number':
          return json(kind, withRawValue(value, path, pick(EXTREME_NUMBERS, n)));
        case 'huge_string':
          return json(kind, JSON.stringify(setAt(value, path, 'x'.repeat(HUGE_STRING_LENGTH))));
        case 'huge_key':
          return json(
            kind,
            withRawMember(value, objectPath, `${JSON.stringify('k'.repeat(HUGE_STRING_LENGTH))}:1`),
          );
        case 'deep_nesting':
          return json(kind, withRawValue(value, path, n % 2 === 0 ? deepArrays : deepObjects));
        case 'duplicate_key': {
          const target = at(value, objectPath) as Record<string, unknown>;
          const key = pick(Object.keys(target).length > 0 ? Object.keys(target) : ['budget'], n);
          // The duplicate comes second or first: JSON.parse keeps the last, so either the valid or the bad one wins.
          const bad = JSON.stringify(pick(WRONG_TYPE_VALUES, n));
          const member = `${JSON.stringify(key)}:${n % 2 === 0 ? bad : JSON.stringify(target[key] ?? 1)}`;
          return json(kind, withRawMember(value, objectPath, member));
        }
        case 'unknown_key':
          return json(kind, withRawMember(value, objectPath, `${JSON.stringify(text || 'unknown')}:1`));
        case 'poisoning_key':
          return json(kind, withRawMember(value, objectPath, pick(POISONING_MEMBERS, n)));
        case 'missing_key': {
          const target = at(value, objectPath) as Record<string, unknown>;
          const keys = Object.keys(target);
          if (keys.length === 0) return json(kind, JSON.stringify(value));
          const { [pick(keys, n)]: _dropped, ...rest } = target;
          return json(kind, JSON.stringify(setAt(value, objectPath, rest)));
        }
        case 'unicode_string':
          return json(kind, JSON.stringify(setAt(value, path, text)));
        case 'invalid_utf8': {
          const [before, after] = splitAt(withRawValue(value, path, '"\u0002"'), '\u0002');
          return {
            kind,
            payload: Buffer.concat([
              Buffer.from(before),
              Buffer.from(pick(INVALID_UTF8, n)),
              Buffer.from(after),
            ]),
            contentType: 'application/json',
          };
        }
        case 'wrong_content_type':
          return { kind, payload: JSON.stringify(value), contentType: pick(WRONG_CONTENT_TYPES, n) };
        case 'no_content_type':
          return { kind, payload: JSON.stringify(value), contentType: undefined };
        case 'truncated': {
          const text = JSON.stringify(value);
          return json(kind, text.slice(0, spot % text.length));
        }
        case 'not_an_object':
          return json(
            kind,
            pick(['[]', '"x"', '1', 'null', 'true', '[{}]', '{}', ' ', '\ufeff{}', '{"a":1}x'], n),
          );
        case 'empty_body':
          return pick<BodyCase>(
            [
              json(kind, ''),
              { kind, payload: undefined, contentType: undefined },
              { kind, payload: undefined, contentType: 'application/json' },
            ],
            n,
          );
        default:
          throw new Error(`unknown mutation ${kind}`);
      }
    });
  return fc.oneof(
    { arbitrary: valid.map((value) => json('valid', JSON.stringify(value))), weight: 1 },
    { arbitrary: mutation, weight: 2 },
  );
}

const MUTATIONS = [
  'wrong_type',
  'extreme_number',
  'huge_string',
  'huge_key',
  'deep_nesting',
  'duplicate_key',
  'unknown_key',
  'poisoning_key',
  'missing_key',
  'unicode_string',
  'invalid_utf8',
  'wrong_content_type',
  'no_content_type',
  'truncated',
  'not_an_object',
  'empty_body',
] as const;

function splitAt(text: string, marker: string): [string, string] {
  const index = text.indexOf(marker);
  return [text.slice(0, index), text.slice(index + marker.length)];
}

// ---------------------------------------------------------------------------------------------------------------
// Query strings
// ---------------------------------------------------------------------------------------------------------------

export interface QueryParameter {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

export interface QueryCase {
  kind: string;
  /** The query string without '?', already encoded (or deliberately mis-encoded). */
  query: string;
}

const encodePair = ([key, value]: [string, string]) =>
  `${encodeURIComponent(key)}=${encodeURIComponent(value)}`;

/** Query values that are not the numbers or names a parameter wants. */
const WRONG_QUERY_VALUES = [
  '',
  'x',
  'NaN',
  'Infinity',
  '-Infinity',
  'true',
  'null',
  '0x10',
  '0b11',
  ' 5 ',
  '1_000',
  '1,5',
  '١٢',
  '[]',
  '{}',
  '1e',
  '--1',
  '+1',
  '.5',
  '5.',
];

/** Raw query text that is malformed before any parameter is looked at. */
const MALFORMED_QUERIES = [
  '%',
  '%zz',
  '%E0%A4%A',
  'a=%FF',
  'a=%C0%AF',
  'a=%ED%A0%80',
  '&&=&',
  '=',
  '==1',
  'a[b]=1&a[c]=2',
  'a[]=1',
  '__proto__[polluted]=1',
  '__proto__=1',
  'constructor=1',
  'constructor[prototype][polluted]=1',
  'hasOwnProperty=1',
  'toString=1',
  'a;b=1',
  '?',
  '#x',
];

/** Valid queries from the parameters' schemas (kind "valid"), or mutated. */
export function queryCaseArbitrary(
  parameters: readonly QueryParameter[],
  root: unknown,
): fc.Arbitrary<QueryCase> {
  const valueFor = (parameter: QueryParameter) =>
    arbitraryFromSchema(parameter.schema, root).map((value) => String(value));
  const valid: fc.Arbitrary<[string, string][]> = fc
    .tuple(
      ...parameters.map((parameter) =>
        fc.tuple(
          fc.constant(parameter.name),
          parameter.required ? valueFor(parameter) : fc.option(valueFor(parameter), { freq: 2 }),
        ),
      ),
    )
    .map((pairs) => pairs.filter((pair): pair is [string, string] => pair[1] !== null));
  const mutation = fc
    .record({
      pairs: valid,
      spot: fc.nat(),
      choice: fc.nat(),
      text: fc.string({ unit: 'grapheme', maxLength: 20 }),
    })
    .map(({ pairs, spot, choice, text }): QueryCase => {
      const kind = pick(QUERY_MUTATIONS, choice);
      const n = Math.floor(choice / QUERY_MUTATIONS.length);
      const index = pairs.length > 0 ? spot % pairs.length : -1;
      const name = index >= 0 ? (pairs[index] as [string, string])[0] : (parameters[0]?.name ?? 'x');
      const replaced = (value: string) =>
        index >= 0
          ? pairs.map((pair, i): [string, string] => (i === index ? [pair[0], value] : pair))
          : [[name, value]];
      const encoded = (list: [string, string][]) => list.map(encodePair).join('&');
      switch (kind) {
        case 'wrong_type':
          return { kind, query: encoded(replaced(pick(WRONG_QUERY_VALUES, n)) as [string, string][]) };
        case 'extreme_number':
          return { kind, query: encoded(replaced(pick(EXTREME_NUMBERS, n)) as [string, string][]) };
        case 'huge_value':
          return { kind, query: encoded(replaced('9'.repeat(HUGE_STRING_LENGTH)) as [string, string][]) };
        case 'unicode_value':
          return { kind, query: encoded(replaced(text) as [string, string][]) };
        case 'duplicate':
          return { kind, query: encoded([...pairs, [name, pick(['1', 'x', pairs[index]?.[1] ?? '2'], n)]]) };
        case 'unknown':
          return { kind, query: encoded([...pairs, [text || 'unknown', '1']]) };
        case 'missing':
          return { kind, query: encoded(pairs.filter((_, i) => i !== index)) };
        case 'malformed':
          return { kind, query: [encoded(pairs), pick(MALFORMED_QUERIES, n)].filter(Boolean).join('&') };
        case 'raw_unencoded':
          return { kind, query: pairs.map(([key, value]) => `${key}=${value}${text}`).join('&') };
        case 'many_parameters':
          return {
            kind,
            query: encoded([
              ...pairs,
              ...Array.from({ length: 1000 }, (_, i): [string, string] => [`p${i}`, '1']),
            ]),
          };
        case 'repeated_name':
          return { kind, query: encoded(Array.from({ length: 1000 }, (): [string, string] => [name, '1'])) };
        default:
          throw new Error(`unknown query mutation ${kind}`);
      }
    });
  return fc.oneof(
    {
      arbitrary: valid.map((pairs) => ({ kind: 'valid', query: pairs.map(encodePair).join('&') })),
      weight: 1,
    },
    { arbitrary: mutation, weight: 2 },
  );
}

const QUERY_MUTATIONS = [
  'wrong_type',
  'extreme_number',
  'huge_value',
  'unicode_value',
  'duplicate',
  'unknown',
  'missing',
  'malformed',
  'raw_unencoded',
  'many_parameters',
  'repeated_name',
] as const;
