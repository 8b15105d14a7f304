// Contract-check mode: every request received and response sent is checked against the OpenAPI subsets.
// "record" keeps the violations for emu.contractViolations(); "strict" also answers 500 so nobody misses one.

import type { Api, ContractChecker } from './contracts.ts';
import type { ApiRequest, ApiResponse } from './http-types.ts';

export type ContractMode = 'off' | 'record' | 'strict';

export interface ContractViolation {
  api: Api;
  direction: 'request' | 'response';
  method: string;
  path: string;
  status?: number;
  messages: string[];
}

export class ContractMonitor {
  readonly mode: ContractMode;
  readonly #checker: ContractChecker | undefined;
  readonly #violations: ContractViolation[] = [];

  /** checker undefined with a mode other than 'off' means the contracts were not found: status 'skipped'. */
  constructor(mode: ContractMode, checker: ContractChecker | undefined) {
    this.mode = mode;
    this.#checker = checker;
  }

  /** 'skipped' when checking was asked for but ../shared/contracts is missing. */
  get status(): 'off' | 'active' | 'skipped' {
    if (this.mode === 'off') return 'off';
    return this.#checker ? 'active' : 'skipped';
  }

  /** A 500 response to send instead (strict mode), or undefined to carry on. */
  checkRequest(api: Api, req: ApiRequest): ApiResponse | undefined {
    if (!this.#checker) return undefined;
    const messages = this.#checker.checkRequest(api, req);
    return this.#record({ api, direction: 'request', method: req.method, path: req.path, messages });
  }

  checkResponse(api: Api, req: ApiRequest, res: ApiResponse): ApiResponse | undefined {
    if (!this.#checker) return undefined;
    const body = typeof res.body === 'string' ? safeParse(res.body) : res.body;
    const messages = this.#checker.checkResponse(api, {
      method: req.method,
      path: req.path,
      status: res.status,
      body,
      requestBody: req.body
    });
    return this.#record({
      api,
      direction: 'response',
      method: req.method,
      path: req.path,
      status: res.status,
      messages
    });
  }

  violations(): ContractViolation[] {
    return this.#violations.map((violation) => ({ ...violation, messages: [...violation.messages] }));
  }

  reset(): void {
    this.#violations.length = 0;
  }

  #record(violation: ContractViolation): ApiResponse | undefined {
    if (violation.messages.length === 0) return undefined;
    this.#violations.push(violation);
    if (this.mode !== 'strict') return undefined;
    return { status: 500, body: { error: 'emulator contract violation', violation } };
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
