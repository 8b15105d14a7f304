import { APIConnectionError, APIError } from 'cloudflare/error';
import { CloudflareApiError, PermissionError, type RotatorError } from '../errors.js';

/**
 * A failure after which the request may still have taken effect on Cloudflare's side: no response, a timeout,
 * or a status the SDK would normally retry. A create or rotate that fails this way must be read back.
 */
export function isAmbiguous(error: unknown): boolean {
  if (error instanceof APIConnectionError || !(error instanceof APIError)) return true;
  const status = statusOf(error);
  return status === undefined || status >= 500 || [408, 409, 429].includes(status);
}

/** The SDK types the status as `any` after `instanceof`; pin it down once. */
export function statusOf(error: unknown): number | undefined {
  const status: unknown = (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

/** The most of Cloudflare's error text a message carries: annotations and the summary stay readable. */
export const MAX_DETAIL_LENGTH = 200;
/** `"client_secret": "…"`, `value=…`: a field that may hold a credential, however the text quotes it. */
const SECRET_FIELD =
  /(["']?\b(?:client_secret|value)\b["']?\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;}\]]+)/gi;

/** Text from a response, safe to print: credential fields masked, one line, bounded. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(SECRET_FIELD, '$1***').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
  return line.length > MAX_DETAIL_LENGTH ? `${line.slice(0, MAX_DETAIL_LENGTH - 1)}…` : line;
}

/**
 * Cloudflare's error codes and their messages. A body without Cloudflare's error list (a proxy's page, a
 * misbehaving API) is not printed at all: it could hold anything, a new client_secret included.
 */
function cloudflareDetail(error: APIError<number | undefined>): string {
  const items: unknown[] = Array.isArray(error.errors) ? error.errors : [];
  const details = items
    .map((item) => {
      const { code, message } = (typeof item === 'object' && item !== null ? item : {}) as {
        code?: unknown;
        message?: unknown;
      };
      return `${typeof code === 'number' || typeof code === 'string' ? code : ''} ${typeof message === 'string' ? message : ''}`.trim();
    })
    .filter(Boolean)
    .join('; ');
  return details ? printable(details) : 'no Cloudflare error codes in the response';
}

/** Whether the answer carries Cloudflare's v4 error list (a proxy's or another server's 404 does not). */
function hasCloudflareErrors(error: APIError<number | undefined>): boolean {
  return Array.isArray(error.errors) && error.errors.length > 0;
}

/**
 * Turns an SDK error into the action's error for `what` (e.g. "rotate service token abc in account 123");
 * `permission` is the one a 403 asks for.
 */
export function toCloudflareError(
  error: unknown,
  what: string,
  scopeLabel: string,
  permission = 'Access: Service Tokens Write'
): RotatorError {
  if (error instanceof APIConnectionError || !(error instanceof APIError)) {
    return new CloudflareApiError(
      `Could not ${what}: no answer from Cloudflare (${error instanceof Error ? error.message : String(error)}).`,
      'Check cloudflare-api-url and the runner network, then re-run.',
      undefined,
      { cause: error }
    );
  }
  const status = statusOf(error);
  const detail = cloudflareDetail(error as APIError<number | undefined>);
  if (status === 401) {
    return new PermissionError(
      `Cloudflare rejected cloudflare-api-token while trying to ${what} (401: ${detail}).`,
      'Check that the token is valid, active and not expired.',
      { cause: error }
    );
  }
  if (status === 403) {
    return new PermissionError(
      `cloudflare-api-token may not ${what} (403: ${detail}).`,
      `Grant it the '${permission}' permission on ${scopeLabel}.`,
      { cause: error }
    );
  }
  if (status === 404 && !hasCloudflareErrors(error as APIError<number | undefined>)) {
    return new CloudflareApiError(
      `Could not ${what}: cloudflare-api-url answered 404 without Cloudflare's error list, so it is not Cloudflare's v4 API.`,
      "Check cloudflare-api-url: it must be the v4 API's base URL, https://api.cloudflare.com/client/v4 (or a proxy's URL that ends in /client/v4); remove the input to use Cloudflare's.",
      status,
      { cause: error }
    );
  }
  const hint =
    status === 404
      ? `Check account-id or zone-id (${scopeLabel}) and token-id.`
      : status !== undefined && status >= 500
        ? 'Cloudflare had a problem; re-run later.'
        : 'Check the inputs named in the message.';
  return new CloudflareApiError(`Could not ${what} (${status ?? 'no status'}: ${detail}).`, hint, status, {
    cause: error
  });
}
