// Checks requests and responses against the OpenAPI subsets in ../shared/contracts (read at run time, never
// copied into the project). Used by the emulator's contract-check mode and directly by tests.
// GitHub operations outside the subset (Dependabot secret lists, organization variables, ...) are checked
// against GitHub's full official description from the npm package @octokit/openapi instead: the subset stays
// the first authority, the full description is the second. Cloudflare has no such fallback.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { bestMatch, compileTemplate } from './path-templates.ts';
import type { PathTemplate } from './path-templates.ts';
import { toJsonSchema } from './openapi-schema.ts';
import { checkGraphqlRequest, checkGraphqlResponse } from './graphql-contract.ts';
import { GRAPHQL_PATH } from './github/graphql-schema.ts';

export type Api = 'cloudflare' | 'github';

export interface RequestToCheck {
  method: string;
  /** API-relative and still URL-encoded, e.g. '/accounts/abc/access/service_tokens'. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

export interface ResponseToCheck {
  method: string;
  path: string;
  status: number;
  body: unknown;
  /** The request's body: a GraphQL answer is checked against the query it answers. */
  requestBody?: unknown;
}

export interface ContractChecker {
  /** Violations, [] when the request fits its operation. */
  checkRequest(api: Api, req: RequestToCheck): string[];
  checkResponse(api: Api, res: ResponseToCheck): string[];
}

export interface LoadContractOptions {
  /** Folder holding the two OpenAPI files; defaults to ../shared/contracts beside the project root. */
  dir?: string;
  /** Where the "skipped" notice goes; defaults to console.warn. */
  notice?: (message: string) => void;
}

export interface ContractCheckerOptions {
  /**
   * GitHub's full description, checked when no operation of the github subset matches: a file path, or false
   * for none. Default: the one in @octokit/openapi (see fullGitHubDescriptionPath).
   */
  fullGitHubDescription?: string | false;
  /** The Access policies subset checked after the Cloudflare one; default: ACCESS_CONTRACT. */
  accessContract?: Spec;
}

const CONTRACT_FILES: Record<Api, string> = {
  cloudflare: 'cloudflare-tokens.openapi.json',
  github: 'github-secrets.openapi.json'
};

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_CONTRACTS_DIR = resolve(PROJECT_ROOT, '..', 'shared', 'contracts');
/** The project's own subset for the Access policy and organization operations, which ../shared lacks. */
export const ACCESS_CONTRACT = resolve(
  PROJECT_ROOT,
  'emulator',
  'contracts',
  'cloudflare-access.openapi.json'
);
export const SKIPPED_NOTICE = 'contract checks skipped: ../shared/contracts not found';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

type Spec = Record<string, unknown>;

interface Operation {
  /** Names the operation in the validator cache: its source, method and path template. */
  key: string;
  method: string;
  template: PathTemplate;
  spec: Spec;
  /** With their $refs resolved. */
  parameters: Spec[];
  /** Inlines the description's local $refs (there are none in the subsets and the dereferenced description). */
  inline: (value: unknown) => unknown;
}

/** Folders already reported missing: one notice each per process, not one per emulator or test. */
const missingReported = new Set<string>();
// Parsing the two descriptions is the slow part; every emulator in a test run shares one checker per folder.
const checkers = new Map<string, ContractChecker>();

/** The checker, or undefined (after one printed notice per process) when the contracts are not there. */
export function loadContractChecker(options: LoadContractOptions = {}): ContractChecker | undefined {
  const dir = options.dir ?? DEFAULT_CONTRACTS_DIR;
  const paths = Object.values(CONTRACT_FILES).map((file) => join(dir, file));
  if (!paths.every((path) => existsSync(path))) {
    if (!missingReported.has(dir) || options.notice) (options.notice ?? console.warn)(SKIPPED_NOTICE);
    missingReported.add(dir);
    return undefined;
  }
  let checker = checkers.get(dir);
  if (!checker) {
    checker = createContractChecker({
      cloudflare: readJson(join(dir, CONTRACT_FILES.cloudflare)),
      github: readJson(join(dir, CONTRACT_FILES.github))
    });
    checkers.set(dir, checker);
  }
  return checker;
}

/**
 * A checker of the given descriptions (an API without one has no contract), with GitHub's full description as
 * the github fallback. Tests use it directly, e.g. to check the fallback where ../shared is absent.
 */
export function createContractChecker(
  subsets: Partial<Record<Api, Spec>>,
  options: ContractCheckerOptions = {}
): ContractChecker {
  const fallback = options.fullGitHubDescription ?? fullGitHubDescriptionPath();
  return new OpenApiChecker({
    cloudflare: [
      eagerSource('cloudflare contract', subsets.cloudflare),
      eagerSource('cloudflare access contract', options.accessContract ?? readJson(ACCESS_CONTRACT))
    ],
    github: [
      eagerSource('github contract', subsets.github),
      ...(fallback ? [fullDescriptionSource(fallback)] : [])
    ]
  });
}

const OCTOKIT_OPENAPI_FILES = ['api.github.com.deref.json', 'api.github.com.json'];

/**
 * GitHub's full description of api.github.com in the @octokit/openapi package (a dev dependency): the
 * dereferenced file when present, else the one with $refs (resolved on use). undefined when not installed.
 */
export function fullGitHubDescriptionPath(): string | undefined {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('@octokit/openapi/package.json'));
  } catch {
    return undefined;
  }
  return OCTOKIT_OPENAPI_FILES.map((file) => join(packageDir, 'generated', file)).find((path) =>
    existsSync(path)
  );
}

/** Where operations come from: a subset, or the full description (read on first use). */
interface OperationSource {
  /** By upper-case method. */
  operations(): ReadonlyMap<string, Operation[]>;
}

function eagerSource(name: string, document: Spec | undefined): OperationSource {
  const operations = operationsOf(document ?? {}, name);
  return { operations: () => operations };
}

// The full description is 70 MB: parsed at most once per process and file, on the first request outside the subset.
const fullDescriptions = new Map<string, ReadonlyMap<string, Operation[]>>();

function fullDescriptionSource(path: string): OperationSource {
  return {
    operations: () => {
      let operations = fullDescriptions.get(path);
      if (!operations) {
        operations = operationsOf(existsSync(path) ? readJson(path) : {}, `github ${path}`);
        fullDescriptions.set(path, operations);
      }
      return operations;
    }
  };
}

class OpenApiChecker implements ContractChecker {
  readonly #sources: Record<Api, OperationSource[]>;
  /** null: the operation documents no JSON body there. */
  readonly #validators = new Map<string, ValidateFunction | null>();
  // Bodies are checked as sent; parameters arrive as strings, so that instance coerces "2" to 2 first.
  readonly #bodyAjv = createAjv(false);
  readonly #paramAjv = createAjv(true);

  constructor(sources: Record<Api, OperationSource[]>) {
    this.#sources = sources;
  }

  checkRequest(api: Api, req: RequestToCheck): string[] {
    if (isGraphql(api, req.method, req.path)) return checkGraphqlRequest(`POST ${req.path}`, req.body);
    const found = this.#find(api, req.method, req.path);
    if (!found) return [noContract(req.method, req.path)];
    const { operation, params } = found;
    const label = `${req.method.toUpperCase()} ${req.path}`;
    return [
      ...this.#checkParameters(operation, 'path', params, label),
      ...this.#checkParameters(operation, 'query', req.query ?? {}, label),
      ...this.#checkRequestBody(operation, req.body, label)
    ];
  }

  checkResponse(api: Api, res: ResponseToCheck): string[] {
    if (isGraphql(api, res.method, res.path))
      return checkGraphqlResponse(`POST ${res.path} → ${res.status}`, res.requestBody, res.body, res.status);
    const found = this.#find(api, res.method, res.path);
    if (!found) return [noContract(res.method, res.path)];
    const { operation } = found;
    const label = `${res.method.toUpperCase()} ${res.path} → ${res.status}`;
    const responses = asSpec(operation.spec['responses']);
    const key = [String(res.status), `${String(res.status)[0]}XX`, 'default'].find((k) => k in responses);
    if (key === undefined) {
      // The subsets document success shapes but leave out most errors GitHub really sends (404, 422, ...).
      // An undocumented error status is therefore allowed; an undocumented success status is not.
      return res.status >= 400 ? [] : [`${label}: status ${res.status} is not documented for this operation`];
    }
    const validate = this.#validator(`${operation.key} response ${key}`, () =>
      jsonSchemaOf(asSpec(operation.inline(responses[key]))['content'])
    );
    if (validate === null) {
      return isEmptyBody(res.body) ? [] : [`${label}: expected no response body`];
    }
    if (res.body === undefined) return [`${label}: response body is missing`];
    return errorsOf(validate, res.body, `${label}: response body`);
  }

  /** The operation of the first source that has one (the subset, then GitHub's full description). */
  #find(api: Api, method: string, path: string) {
    const upper = method.toUpperCase();
    for (const source of this.#sources[api]) {
      const match = bestMatch(source.operations().get(upper) ?? [], (op) => op.template, path);
      if (match) return { operation: match.candidate, params: match.params };
    }
    return undefined;
  }

  #checkParameters(
    operation: Operation,
    location: 'path' | 'query',
    values: Record<string, string>,
    label: string
  ) {
    const declared = operation.parameters.filter(
      (p) => p['in'] === location && typeof p['name'] === 'string'
    );
    if (declared.length === 0) return [];
    const validate = this.#validator(
      `${operation.key} ${location}`,
      () => ({
        type: 'object',
        properties: Object.fromEntries(
          declared.map((p) => [p['name'] as string, toJsonSchema(p['schema'] ?? {})])
        ),
        required: declared.filter((p) => p['required'] === true).map((p) => p['name'] as string)
      }),
      this.#paramAjv
    ) as ValidateFunction;
    return errorsOf(validate, { ...values }, `${label}: ${location} parameter`);
  }

  #checkRequestBody(operation: Operation, body: unknown, label: string): string[] {
    const requestBody = operation.spec['requestBody'];
    if (requestBody === undefined) {
      return isEmptyBody(body) ? [] : [`${label}: the operation takes no request body`];
    }
    const spec = asSpec(operation.inline(requestBody));
    if (body === undefined) return spec['required'] === true ? [`${label}: request body is required`] : [];
    const validate = this.#validator(`${operation.key} request`, () => jsonSchemaOf(spec['content']));
    return validate === null ? [] : errorsOf(validate, body, `${label}: request body`);
  }

  /** Compiled once per operation and place, on first use; null when there is no JSON schema to check. */
  #validator(key: string, schema: () => unknown, ajv: Ajv = this.#bodyAjv): ValidateFunction | null {
    const cacheKey = `${ajv === this.#paramAjv ? 'param' : 'body'} ${key}`;
    let validate = this.#validators.get(cacheKey);
    if (validate === undefined) {
      const compiled = schema();
      validate = compiled === undefined ? null : ajv.compile(compiled as object);
      this.#validators.set(cacheKey, validate);
    }
    return validate;
  }
}

function createAjv(coerceTypes: boolean): Ajv {
  // strict: false because the official descriptions carry keywords ajv's strict mode rejects
  // (uniqueItems on objects, minLength on arrays, unknown formats such as "timestamp").
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes, logger: false });
  addFormats.default(ajv);
  return ajv;
}

/** The document's operations by upper-case method; `source` keeps validator cache keys apart. */
function operationsOf(document: Spec, source: string): Map<string, Operation[]> {
  const inline = refInliner(document);
  const operations = new Map<string, Operation[]>();
  for (const [path, item] of Object.entries(asSpec(document['paths']))) {
    // Only the path item's own $ref is followed here; operations are inlined piece by piece when checked.
    const pathItem = asSpec(typeof asSpec(item)['$ref'] === 'string' ? inline(item) : item);
    const shared = asList(inline(pathItem['parameters']));
    const template = compileTemplate(path);
    for (const method of HTTP_METHODS) {
      const spec = pathItem[method];
      if (spec === undefined) continue;
      const own = asList(inline(asSpec(spec)['parameters']));
      // Operation-level parameters override path-level ones with the same name and location.
      const parameters = [
        ...shared.filter((p) => !own.some((o) => o['name'] === p['name'] && o['in'] === p['in'])),
        ...own
      ];
      const upper = method.toUpperCase();
      const sameMethod = operations.get(upper) ?? [];
      sameMethod.push({
        key: `${source} ${upper} ${path}`,
        method: upper,
        template,
        spec: asSpec(spec),
        parameters,
        inline
      });
      operations.set(upper, sameMethod);
    }
  }
  return operations;
}

/**
 * Inlines local references ("#/components/schemas/x") so that ajv sees plain schemas. A reference met again
 * inside its own expansion (a recursive schema) becomes {}: anything is accepted there. Documents without
 * components (the dereferenced description) are returned as they are.
 */
function refInliner(document: Spec): (value: unknown) => unknown {
  if (document['components'] === undefined) return (value) => value;
  const walk = (value: unknown, expanding: ReadonlySet<string>): unknown => {
    if (Array.isArray(value)) return value.map((item) => walk(item, expanding));
    if (typeof value !== 'object' || value === null) return value;
    const ref = (value as Spec)['$ref'];
    if (typeof ref === 'string') {
      if (expanding.has(ref) || !ref.startsWith('#/')) return {};
      return walk(pointer(document, ref), new Set([...expanding, ref]));
    }
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, expanding)]));
  };
  return (value) => walk(value, new Set());
}

/** The value at a local JSON pointer ("#/components/schemas/a~1b"), or {} when there is none. */
function pointer(document: Spec, ref: string): unknown {
  let value: unknown = document;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    value = asSpec(value)[key];
    if (value === undefined) return {};
  }
  return value;
}

function jsonSchemaOf(content: unknown): unknown {
  if (content === undefined) return undefined;
  const media = asSpec(content);
  const json =
    media['application/json'] ?? Object.entries(media).find(([type]) => type.includes('json'))?.[1];
  return json === undefined ? undefined : toJsonSchema(asSpec(json)['schema'] ?? {});
}

function errorsOf(validate: ValidateFunction, data: unknown, label: string): string[] {
  if (validate(data)) return [];
  return (validate.errors ?? []).map(
    (error) => `${label}${error.instancePath ? ` ${error.instancePath}` : ''} ${describe(error)}`
  );
}

function describe(error: ErrorObject): string {
  const allowed = (error.params as { allowedValues?: unknown }).allowedValues;
  return allowed === undefined
    ? (error.message ?? error.keyword)
    : `${error.message}: ${JSON.stringify(allowed)}`;
}

/** GitHub's GraphQL endpoint: checked against GitHub's GraphQL schema (graphql-contract.ts), not OpenAPI. */
function isGraphql(api: Api, method: string, path: string): boolean {
  return api === 'github' && method.toUpperCase() === 'POST' && GRAPHQL_PATH.test(path);
}

function noContract(method: string, path: string): string {
  return `no contract for ${method.toUpperCase()} ${path}`;
}

function isEmptyBody(body: unknown): boolean {
  return (
    body === undefined ||
    body === null ||
    body === '' ||
    (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0)
  );
}

function readJson(path: string): Spec {
  return asSpec(JSON.parse(readFileSync(path, 'utf8')));
}

function asSpec(value: unknown): Spec {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Spec) : {};
}

function asList(value: unknown): Spec[] {
  return Array.isArray(value) ? value.map(asSpec) : [];
}
