import { VerificationError, errorMessage } from '../../errors.js';

/** Access may take a few seconds to accept a new secret: these answers can be propagation, so they are retried. */
export function mayBePropagation(status: number): boolean {
  return (
    status === 401 || status === 403 || (status >= 300 && status < 400) || status >= 500 || status === 429
  );
}

const CONNECTION_CODES: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused (nothing listens there)',
  ENOTFOUND: 'the host name does not resolve (DNS lookup failed)',
  EAI_AGAIN: 'the host name could not be resolved (DNS lookup failed)',
  ECONNRESET: 'the connection was reset',
  CERT_HAS_EXPIRED: "the server's TLS certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's TLS certificate is self-signed",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's TLS certificate could not be verified"
};

/** The error code of a failed fetch (undici puts the system error in `cause`, sometimes nested). */
function codeOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code in CONNECTION_CODES) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A request that got no answer for a reason no propagation explains: fail at once, saying so. */
export function unreachable(url: URL, error: unknown): VerificationError | undefined {
  const code = codeOf(error);
  if (!code || code === 'ECONNRESET') return undefined;
  return new VerificationError(
    `verify-url ${url.origin}${url.pathname} could not be reached: ${CONNECTION_CODES[code]} (${code}; ${errorMessage(error)}). The new credential was not tested.`,
    'Check the host name and port in verify-url: it must be the URL of an application behind Access that this runner can reach.'
  );
}

/** An answer no propagation explains (404, 400, …): the URL is wrong, not the credential. */
export function wrongUrl(url: URL, status: number): VerificationError {
  return new VerificationError(
    `verify-url ${url.origin}${url.pathname} answered ${status}${status === 404 ? ' Not Found' : ''}, which no delay of Access explains: the URL is likely wrong. The new credential was not tested.`,
    'Check the path in verify-url: it must be a page of the application behind Access that answers 2xx to an allowed request.'
  );
}
