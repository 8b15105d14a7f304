import type { Slot } from '../../targets/slots.js';
import type { ServiceTokenSettings } from './settings.js';

/** A service token writes its client secret and, as a companion, its client id (a variable where asked). */
export function serviceTokenSlots(settings: ServiceTokenSettings): {
  clientSecret: Slot;
  clientId: Slot;
  all: Slot[];
} {
  const clientId: Slot = {
    key: 'clientId',
    name: settings.clientIdSecretName,
    role: 'companion',
    asVariable: settings.clientIdAsVariable
  };
  const clientSecret: Slot = {
    key: 'clientSecret',
    name: settings.clientSecretSecretName,
    role: 'value',
    asVariable: false
  };
  // The report lists the client id first, as a consumer's workflow uses them.
  return { clientSecret, clientId, all: [clientId, clientSecret] };
}
