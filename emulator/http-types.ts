// The plain request/response values every API handler works with, independent of node:http.

import type { IncomingHttpHeaders } from 'node:http';
import type { Fault } from './faults.ts';

export interface ApiRequest {
  method: string;
  /** Relative to the API prefix and still URL-encoded, e.g. '/repos/o/r/environments/staging%20eu'. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; undefined when the request had none. */
  body: unknown;
  /** Set when a body was sent but is not JSON. */
  bodyError?: string;
}

export interface ApiResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless it is a string; omitted for undefined. */
  body?: unknown;
}

export type Handler = (req: ApiRequest, params: Record<string, string>) => ApiResponse | Promise<ApiResponse>;

/** One emulated API behind a URL prefix. */
export interface ApiModule {
  handle(req: ApiRequest): Promise<ApiResponse>;
  /** The API's own way of saying "rate limited" / "server error" for an injected fault. */
  faultResponse(fault: Fault): ApiResponse;
}
