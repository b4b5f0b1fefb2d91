/** sf-mirror / screen-pop: the Contact mirror and its phone index (the lookup cache is in memory, TTL-bound). */
import type { PersonalDataRegistry } from '../../../platform/privacy/index.ts';
import { ids, tableStore } from './rules.ts';

export function registerScreenPopPersonalData(r: PersonalDataRegistry): void {
  r.register(
    tableStore({
      name: 'sf-mirror',
      categories: ['contact details (name, e-mail, account, tier)', 'phone numbers (lookup index)'],
      rules: [
        // Phones first: they are found through the contact IDs too.
        {
          table: 'sf_mirror_phones',
          match: [
            { column: 'contact_id', in: ids.salesforce },
            { column: 'phone_key', in: ids.phones },
          ],
        },
        {
          table: 'sf_mirror_contacts',
          match: [
            { column: 'id', in: ids.salesforce },
            { column: 'email', in: ids.emails, lower: true },
          ],
        },
      ],
    }),
  );
  r.declareNone(['sf_mirror_state'], 'mirror watermarks and replay IDs');
}
