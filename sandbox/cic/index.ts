/**
 * The CIC (PureConnect ICWS) sandbox: a primary and a switchover server sharing one state,
 * with the SORS custom-notification handler that creates e-mail interactions and a simple ACD.
 * Fault the primary through its frame (`refuseConnections`, `errorRate: 1` + `errorStatus: 503`)
 * to drive a client to the switchover server.
 */
import { createEmulator, type Emulator } from '../kit/emulator.ts';
import { CicState } from './cic-state.ts';
import { icwsError } from './icws-error.ts';
import { registerIcwsRoutes } from './icws-routes.ts';
import type { CicUser, CicWorkgroup, UserStatus } from './model.ts';
import { DEFAULT_SORS_IDS, type SorsRoutingIds } from './sors-notification.ts';

export type { CicInteraction, CicUser, CicWorkgroup, UserStatus } from './model.ts';
export type { SorsRoutingIds } from './sors-notification.ts';
export { DEFAULT_SORS_IDS } from './sors-notification.ts';

export type CicUserInput = Omit<CicUser, 'maxInteractions' | 'status'> & {
  status?: UserStatus;
  maxInteractions?: number;
};

export interface CicSandboxOptions {
  primaryPort?: number;
  switchoverPort?: number;
  users?: CicUserInput[];
  workgroups?: CicWorkgroup[];
  /** Object/event IDs of the SORS custom notifications (defaults: DEFAULT_SORS_IDS). */
  sorsIds?: Partial<SorsRoutingIds>;
  now?: () => number;
}

export interface CicSandbox {
  primaryUrl: string;
  switchoverUrl: string;
  urls: [string, string];
  state: CicState;
  primary: Emulator;
  switchover: Emulator;
  /** Make the primary answer 503, refuse connections, or behave again (null). */
  failPrimary(mode: '503' | 'refuse' | null): void;
  close(): Promise<void>;
}

/** A service account for SORS and two agents, so a bare `startCicSandbox()` can route. */
export const DEFAULT_CIC_USERS: CicUserInput[] = [
  {
    userId: 'sors',
    password: 'sors-sandbox-password',
    displayName: 'Salesforce Object Routing Server',
    skills: [],
    status: 'Away',
  },
  {
    userId: 'agent.one',
    password: 'agent-sandbox-password',
    displayName: 'Agent One',
    skills: ['English', 'Billing'],
  },
  {
    userId: 'agent.two',
    password: 'agent-sandbox-password',
    displayName: 'Agent Two',
    skills: ['English', 'Spanish'],
  },
];
export const DEFAULT_CIC_WORKGROUPS: CicWorkgroup[] = [
  { name: 'Support', members: ['agent.one', 'agent.two'], acdEmailRouting: true },
  { name: 'Billing', members: ['agent.one'], acdEmailRouting: true },
];

export async function startCicSandbox(opts: CicSandboxOptions = {}): Promise<CicSandbox> {
  const now = opts.now ?? Date.now;
  const state = new CicState({ now, ids: { ...DEFAULT_SORS_IDS, ...opts.sorsIds } });
  const seed = () =>
    state.load(
      (opts.users ?? DEFAULT_CIC_USERS).map((u) => ({
        ...u,
        status: u.status ?? 'Available',
        maxInteractions: u.maxInteractions ?? 1,
      })),
      opts.workgroups ?? DEFAULT_CIC_WORKGROUPS,
    );
  seed();

  const urls: string[] = [];
  const make = (name: 'primary' | 'switchover') => {
    const em = createEmulator({
      name: `cic-${name}`,
      now,
      errorBody: (status, message) => icwsError(status, message),
      // A reset on either server resets the shared state, as both front one database.
      onReset: seed,
    });
    registerIcwsRoutes(em.app, state, name, () =>
      urls.filter((u) => !u.includes(`:${portOf(em)}`)).map((u) => new URL(u).host),
    );
    return em;
  };
  const primary = make('primary');
  const switchover = make('switchover');
  const p = await primary.listen(opts.primaryPort ?? 0);
  const s = await switchover.listen(opts.switchoverPort ?? 0);
  urls.push(p.url, s.url);

  return {
    primaryUrl: p.url,
    switchoverUrl: s.url,
    urls: [p.url, s.url],
    state,
    primary,
    switchover,
    failPrimary(mode) {
      primary.faults.rules =
        mode === null
          ? []
          : mode === 'refuse'
            ? [{ refuseConnections: true }]
            : [{ errorRate: 1, errorStatus: 503 }];
    },
    async close() {
      await Promise.all([primary.close(), switchover.close()]);
    },
  };
}

function portOf(em: Emulator): number {
  const a = em.app.server.address();
  return typeof a === 'object' && a ? a.port : 0;
}
