// Checks requests and responses against the OpenAPI subsets in ../shared/contracts (read at run time, never
// copied into the project). Used by the emulator's contract-check mode and directly by tests.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { bestMatch, compileTemplate } from './path-templates.ts';
import type { PathTemplate } from './path-templates.ts';
import { toJsonSchema } from './openapi-schema.ts';

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

const CONTRACT_FILES: Record<Api, string> = {
  cloudflare: 'cloudflare-tokens.openapi.json',
  github: 'github-secrets.openapi.json'
};

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_CONTRACTS_DIR = resolve(PROJECT_ROOT, '..', 'shared', 'contracts');
export const SKIPPED_NOTICE = 'contract checks skipped: ../shared/contracts not found';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

type Spec = Record<string, unknown>;

interface Operation {
  method: string;
  template: PathTemplate;
  spec: Spec;
  parameters: Spec[];
}

let noticePrinted = false;
// Parsing the two descriptions is the slow part; every emulator in a test run shares one checker per folder.
const checkers = new Map<string, ContractChecker>();

/** The checker, or undefined (after one printed notice per process) when the contracts are not there. */
export function loadContractChecker(options: LoadContractOptions = {}): ContractChecker | undefined {
  const dir = options.dir ?? DEFAULT_CONTRACTS_DIR;
  const paths = Object.values(CONTRACT_FILES).map((file) => join(dir, file));
  if (!paths.every((path) => existsSync(path))) {
    if (!noticePrinted || options.notice) (options.notice ?? console.warn)(SKIPPED_NOTICE);
    noticePrinted = true;
    return undefined;
  }
  let checker = checkers.get(dir);
  if (!checker) {
    checker = new OpenApiChecker({
      cloudflare: readJson(join(dir, CONTRACT_FILES.cloudflare)),
      github: readJson(join(dir, CONTRACT_FILES.github))
    });
    checkers.set(dir, checker);
  }
  return checker;
}

class OpenApiChecker implements ContractChecker {
  readonly #operations: Record<Api, Operation[]>;
  readonly #validators = new Map<string, ValidateFunction>();
  // Bodies are checked as sent; parameters arrive as strings, so that instance coerces "2" to 2 first.
  readonly #bodyAjv = createAjv(false);
  readonly #paramAjv = createAjv(true);

  constructor(documents: Record<Api, Spec>) {
    this.#operations = {
      cloudflare: operationsOf(documents.cloudflare),
      github: operationsOf(documents.github)
    };
  }

  checkRequest(api: Api, req: RequestToCheck): string[] {
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
    const schema = jsonSchemaOf(asSpec(responses[key])['content']);
    if (schema === undefined) {
      return isEmptyBody(res.body) ? [] : [`${label}: expected no response body`];
    }
    if (res.body === undefined) return [`${label}: response body is missing`];
    const validate = this.#validator(
      `${operation.method} ${operation.template.text} response ${key}`,
      () => schema
    );
    return errorsOf(validate, res.body, `${label}: response body`);
  }

  #find(api: Api, method: string, path: string) {
    const upper = method.toUpperCase();
    const candidates = this.#operations[api].filter((op) => op.method === upper);
    const match = bestMatch(candidates, (op) => op.template, path);
    return match && { operation: match.candidate, params: match.params };
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
      `${operation.method} ${operation.template.text} ${location}`,
      () => ({
        type: 'object',
        properties: Object.fromEntries(
          declared.map((p) => [p['name'] as string, toJsonSchema(p['schema'] ?? {})])
        ),
        required: declared.filter((p) => p['required'] === true).map((p) => p['name'] as string)
      }),
      this.#paramAjv
    );
    return errorsOf(validate, { ...values }, `${label}: ${location} parameter`);
  }

  #checkRequestBody(operation: Operation, body: unknown, label: string): string[] {
    const requestBody = operation.spec['requestBody'];
    if (requestBody === undefined) {
      return isEmptyBody(body) ? [] : [`${label}: the operation takes no request body`];
    }
    const spec = asSpec(requestBody);
    if (body === undefined) return spec['required'] === true ? [`${label}: request body is required`] : [];
    const schema = jsonSchemaOf(spec['content']);
    if (schema === undefined) return [];
    const validate = this.#validator(`${operation.method} ${operation.template.text} request`, () => schema);
    return errorsOf(validate, body, `${label}: request body`);
  }

  #validator(key: string, schema: () => unknown, ajv: Ajv = this.#bodyAjv): ValidateFunction {
    const cacheKey = `${ajv === this.#paramAjv ? 'param' : 'body'} ${key}`;
    let validate = this.#validators.get(cacheKey);
    if (!validate) {
      validate = ajv.compile(schema() as object);
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

function operationsOf(document: Spec): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(asSpec(document['paths']))) {
    const pathItem = asSpec(item);
    const shared = asList(pathItem['parameters']);
    for (const method of HTTP_METHODS) {
      const spec = pathItem[method];
      if (spec === undefined) continue;
      const own = asList(asSpec(spec)['parameters']);
      // Operation-level parameters override path-level ones with the same name and location.
      const parameters = [
        ...shared.filter((p) => !own.some((o) => o['name'] === p['name'] && o['in'] === p['in'])),
        ...own
      ];
      operations.push({
        method: method.toUpperCase(),
        template: compileTemplate(path),
        spec: asSpec(spec),
        parameters
      });
    }
  }
  return operations;
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
