import type { Slot } from '../../targets/slots.js';

/** An API token writes one secret: its value. */
export function apiTokenSlot(secretName: string): Slot {
  return { key: 'apiToken', name: secretName, role: 'value', asVariable: false };
}
