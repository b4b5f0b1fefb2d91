/** call-end-intake, support-result, save-log: interaction pairs, deliveries, review items, merged save logs. */
import type { PersonalDataRegistry } from '../../../platform/privacy/index.ts';
import { ids, tableStore } from './rules.ts';

export function registerCallLoggingPersonalData(r: PersonalDataRegistry): void {
  r.register(
    tableStore({
      name: 'support-result',
      categories: ['support interaction pairs (conversation ↔ back-office customer)', 'delivery receipts'],
      rules: [
        {
          table: 'support_interactions',
          match: [
            { column: 'interaction_id', in: ids.conversations },
            { column: 'customer_id', in: ids.customers },
          ],
        },
        {
          table: 'support_result_deliveries',
          match: [
            { column: 'interaction_id', in: ids.conversations },
            { column: 'customer_key', text: true },
          ],
        },
        {
          table: 'support_result_review',
          match: [
            { column: 'interaction_id', in: ids.conversations },
            { column: 'reason', text: true },
          ],
        },
      ],
    }),
  );
  r.register(
    tableStore({
      name: 'save-log',
      categories: ['merged interaction logs (caller, notes, agent)'],
      rules: [
        {
          table: 'save_log_interactions',
          match: [
            { column: 'interaction_id', in: ids.conversations },
            { column: 'call_log', text: true },
            { column: 'interaction', text: true },
          ],
        },
      ],
    }),
  );
  r.declareNone(['webhook_message_ids'], 'webhook message IDs for replay protection');
}
