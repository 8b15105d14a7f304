// A route table keyed by method and OpenAPI-style template; the most specific template wins.

import { bestMatch, compileTemplate } from './path-templates.ts';
import type { PathTemplate } from './path-templates.ts';
import type { ApiRequest, ApiResponse, Handler } from './http-types.ts';

interface Route {
  method: string;
  template: PathTemplate;
  handler: Handler;
}

export class Router {
  readonly #routes: Route[] = [];

  on(method: string, template: string, handler: Handler): this {
    this.#routes.push({ method: method.toUpperCase(), template: compileTemplate(template), handler });
    return this;
  }

  /** The handler's response, or undefined when no route fits (each API answers that its own way). */
  async dispatch(req: ApiRequest): Promise<ApiResponse | undefined> {
    const candidates = this.#routes.filter((route) => route.method === req.method);
    const match = bestMatch(candidates, (route) => route.template, req.path);
    return match ? match.candidate.handler(req, match.params) : undefined;
  }
}
