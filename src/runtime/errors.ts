import { RotatorError } from '../errors.js';

/** A part of the bundle (a chunk of dist/) could not be loaded; found before anything changed. */
export class BundleError extends RotatorError {
  readonly kind = 'bundle';
}

/** A proxy variable is set, but this Node cannot send the action's requests through it. */
export class ProxySupportError extends RotatorError {
  readonly kind = 'proxy';
}
