/**
 * One error type per failure kind. Every message says what failed, for which target or input, and what the
 * user should do; `hint` carries the "what to do" part so the report can print it on its own line.
 */
export abstract class RotatorError extends Error {
  abstract readonly kind: string;
  readonly hint: string;

  constructor(message: string, hint: string, options?: ErrorOptions) {
    super(hint ? `${message} ${hint}` : message, options);
    this.name = new.target.name;
    this.hint = hint;
  }
}

/** A bad input value, found before any API call. */
export class InputError extends RotatorError {
  readonly kind = 'input';
  readonly input: string;
  /** What is wrong with the value, without the input's name (a config file names the entry's key instead). */
  readonly problem: string;

  constructor(input: string, problem: string, hint: string) {
    super(`Input '${input}': ${problem}.`, hint);
    this.input = input;
    this.problem = problem;
  }
}

/** The `config` file (or the step inputs beside it) is not valid; found before any API call. */
export class ConfigError extends RotatorError {
  readonly kind = 'config';
}

/** With `config`: one or more entries failed; the others ran to the end. */
export class EntriesFailedError extends RotatorError {
  readonly kind = 'entries-failed';
}

/** A token (Cloudflare or GitHub) that is invalid or lacks a permission the run needs. */
export class PermissionError extends RotatorError {
  readonly kind = 'permission';
}

/** The service token could not be identified: not found, or its name is ambiguous. */
export class TokenLookupError extends RotatorError {
  readonly kind = 'token-lookup';
}

/** A Cloudflare API call failed; nothing is known to have changed unless the message says so. */
export class CloudflareApiError extends RotatorError {
  readonly kind = 'cloudflare-api';
  readonly status: number | undefined;

  constructor(message: string, hint: string, status?: number, options?: ErrorOptions) {
    super(message, hint, options);
    this.status = status;
  }
}

/** A create or rotate may have taken effect, but its response (and so the new secret) was lost. */
export class LostSecretError extends RotatorError {
  readonly kind = 'lost-secret';
}

/** Another run rotated the token between this run's observation and its rotation. */
export class ConcurrentRotationError extends RotatorError {
  readonly kind = 'concurrent-rotation';
}

/** Reading a target's state (public key, secret metadata) failed. Nothing was changed. */
export class TargetReadError extends RotatorError {
  readonly kind = 'target-read';
  readonly target: string;

  constructor(target: string, message: string, hint: string, options?: ErrorOptions) {
    super(message, hint, options);
    this.target = target;
  }
}

/** The only targets that needed a new secret are in archived (read-only) repositories. */
export class ArchivedTargetError extends RotatorError {
  readonly kind = 'archived-target';
}

/** One or more targets did not receive the new secret. */
export class DistributionError extends RotatorError {
  readonly kind = 'distribution';
}

/** The protected URL did not accept the new credential. */
export class VerificationError extends RotatorError {
  readonly kind = 'verification';
}

/** `mode: check` found the token expired or about to expire. */
export class ExpiryCheckError extends RotatorError {
  readonly kind = 'expiry-check';
}

/** A GitHub response (a pagination link) led to another origin than github-api-url; github-token was not sent. */
export class OffOriginRequestError extends RotatorError {
  readonly kind = 'off-origin-request';
}

/** The service token is disabled: neither its current nor its previous secret is accepted. */
export class TokenDisabledError extends RotatorError {
  readonly kind = 'token-disabled';
}

/** The action's rotation record could not be read or written, or ties the secrets to another token. */
export class RotationRecordError extends RotatorError {
  readonly kind = 'rotation-record';
}

/** A renewal did not move the token's expiry. */
export class RenewalError extends RotatorError {
  readonly kind = 'renewal';
}

/** A rotation Cloudflare's declared API cannot do safely here (a zone-scoped token without its version). */
export class UnsupportedRotationError extends RotatorError {
  readonly kind = 'unsupported-rotation';
}

/** The message of anything thrown, without assuming it is an Error. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A token that no target holds any more (a replaced one, or a failed run's leftover) could not be deleted. */
export class CleanupError extends RotatorError {
  readonly kind = 'cleanup';
}

/** A part of the bundle (a chunk of dist/) could not be loaded; found before anything changed. */
export class BundleError extends RotatorError {
  readonly kind = 'bundle';
}

/** A proxy variable is set, but this Node cannot send the action's requests through it. */
export class ProxySupportError extends RotatorError {
  readonly kind = 'proxy';
}

/** A create (or write) would overwrite secrets that belong to another credential; needs an explicit opt-in. */
export class OverwriteError extends RotatorError {
  readonly kind = 'overwrite';
}

/** An Access policy the token must belong to is missing, unreadable, not editable, or not a Service Auth policy. */
export class AccessPolicyError extends RotatorError {
  readonly kind = 'access-policy';
}
