/** Features whose tables hold no customer personal data, or only agents' (presence). */
import type { PersonalDataRegistry } from '../../../platform/privacy/index.ts';
import { ids, tableStore } from './rules.ts';

export function registerOtherPersonalData(r: PersonalDataRegistry): void {
  r.declareNone(
    ['case_routing_credentials', 'case_routing_state', 'case_routing_dashboard'],
    'encrypted integration credentials, stream state, dashboard servers',
  );
  r.declareNone(
    ['case_routing_interactions'],
    'case and CIC interaction IDs (the case itself lives in Salesforce and is erased there)',
  );
  r.declareNone(['report_days', 'reports'], 'daily aggregates and reports without individuals');
  r.declareNone(['dashboard_sessions'], 'hashed session tokens of agents and supervisors');
  r.register(
    tableStore({
      name: 'presence',
      categories: ['agent names and presence (employees)'],
      rules: [{ table: 'presence_agents', match: [{ column: 'name', in: ids.names, lower: true }] }],
    }),
  );
}
