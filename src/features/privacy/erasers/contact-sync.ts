/** contact-sync: sync links (with the last synced values), conflict audit and issues. */
import type { PersonalDataRegistry } from '../../../platform/privacy/index.ts';
import { ids, tableStore } from './rules.ts';

export function registerContactSyncPersonalData(r: PersonalDataRegistry): void {
  r.register(
    tableStore({
      name: 'contact-sync',
      categories: [
        'sync links with the last synced contact values',
        'conflict audit (field values)',
        'sync issues',
      ],
      rules: [
        {
          table: 'contact_sync_links',
          match: [
            { column: 'sf_id', in: ids.salesforce },
            { column: 'gc_id', in: (s) => s.genesysExternalContactIds },
            { column: 'base', text: true },
            { column: 'gc_entity', text: true },
          ],
        },
        {
          table: 'contact_sync_conflicts',
          match: [
            { column: 'sf_id', in: ids.salesforce },
            { column: 'gc_id', in: (s) => s.genesysExternalContactIds },
            { column: 'base_value', text: true },
            { column: 'sf_value', text: true },
            { column: 'gc_value', text: true },
            { column: 'resolved_value', text: true },
          ],
        },
        {
          table: 'contact_sync_issues',
          match: [
            { column: 'sf_id', in: ids.salesforce },
            { column: 'detail', text: true },
          ],
        },
      ],
    }),
  );
  r.declareNone(['contact_sync_runs', 'contact_sync_state'], 'sync run summaries (counts) and cursors');
}
