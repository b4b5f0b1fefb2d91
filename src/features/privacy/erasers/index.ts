/** Personal-data stores of the features, registered from `src/app.ts` (one file per feature). */
import type { PersonalDataRegistry } from '../../../platform/privacy/index.ts';
import { registerCallLoggingPersonalData } from './call-logging.ts';
import { registerContactSyncPersonalData } from './contact-sync.ts';
import { registerOtherPersonalData } from './others.ts';
import { registerScreenPopPersonalData } from './screen-pop.ts';

export function registerFeaturePersonalData(r: PersonalDataRegistry): void {
  registerScreenPopPersonalData(r);
  registerCallLoggingPersonalData(r);
  registerContactSyncPersonalData(r);
  registerOtherPersonalData(r);
}
