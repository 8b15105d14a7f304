// Cloudflare's response envelope and the error codes the emulator uses.

import type { ApiResponse } from '../http-types.ts';

export const ErrorCode = {
  /** Missing, unknown or insufficient API token (Cloudflare answers both 401 and 403 with it). */
  authentication: 10000,
  /** /tokens/verify with a token that is not valid. */
  invalidApiToken: 1000,
  invalidInput: 1001,
  noRoute: 7003,
  /** An API token used from an address its `condition.request.ip` excludes. */
  tokenLocation: 9109,
  notFound: 12130,
  tokenInUse: 12139,
  rateLimited: 971,
  internal: 10001
} as const;

export interface ResultInfo {
  page: number;
  per_page: number;
  count: number;
  total_count: number;
  total_pages: number;
}

export function success(
  result: unknown,
  options: { status?: number; resultInfo?: ResultInfo; messages?: { code: number; message: string }[] } = {}
): ApiResponse {
  return {
    status: options.status ?? 200,
    body: {
      success: true,
      errors: [],
      messages: options.messages ?? [],
      result,
      ...(options.resultInfo ? { result_info: options.resultInfo } : {})
    }
  };
}

/** One page of a list, with Cloudflare's result_info. */
export function successPage<T>(
  items: readonly T[],
  page: number,
  perPage: number,
  toJson: (item: T) => unknown
): ApiResponse {
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const resultInfo: ResultInfo = {
    page,
    per_page: perPage,
    count: slice.length,
    total_count: items.length,
    total_pages: Math.max(1, Math.ceil(items.length / perPage))
  };
  return success(
    slice.map((item) => toJson(item)),
    { resultInfo }
  );
}

export function failure(
  status: number,
  code: number,
  message: string,
  headers?: Record<string, string>
): ApiResponse {
  return {
    status,
    ...(headers ? { headers } : {}),
    body: { success: false, errors: [{ code, message }], messages: [], result: null }
  };
}

/** Thrown by the domain model; the HTTP layer turns it into the envelope above. */
export class CloudflareError extends Error {
  readonly status: number;
  readonly code: number;

  constructor(status: number, code: number, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }

  toResponse(): ApiResponse {
    return failure(this.status, this.code, this.message);
  }
}

export const notFound = (what: string): CloudflareError =>
  new CloudflareError(404, ErrorCode.notFound, `access.api.error.not_found: ${what} not found`);

/** The JSON object body of a write; anything else is a 400 built by `error`. */
export function objectBody(
  body: unknown,
  error: (detail: string) => CloudflareError
): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw error('the request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

export const invalidInput = (detail: string): CloudflareError =>
  new CloudflareError(400, ErrorCode.invalidInput, `access.api.error.invalid_request: ${detail}`);
