/**
 * Scale-out proven with replicas (DESIGN §3 "Scale-out", issue 11): N hub processes on one
 * PostgreSQL (a fresh schema) behind a round-robin load balancer, against one sandbox started here,
 * wired as a deployment is: the Genesys emulator's inbound flow calls the hubs' contact-lookup data
 * action and its conversation-end deliveries (signed webhook, supportResult) go to the hubs, all
 * through the load balancer. The call-center simulator (`sandbox/simulator`) places the calls;
 * Email-to-Case cases arrive for routing; contact sync runs (a full one at the start, an
 * incremental one after edits just before the kill, a last one at the end); one replica — the
 * presence feed's leader — is SIGKILLed mid-run and restarted. Checks:
 * - every conversation the simulator ran is delivered (the emulator's delivery log: none failed),
 *   every delivered conversation end gives exactly one Task and every delivered supportResult
 *   exactly one communication record, every case one CIC interaction, every job completes (none
 *   parked or left);
 * - every Salesforce contact is in Genesys exactly once (no duplicate external contact), linked
 *   once, and carries the last edit;
 * - every occurrence of a 5-second test schedule fires once (one job per occurrence);
 * - the replicas together stay under the Genesys per-client limit (the emulator's request log);
 * - the presence feed (a Genesys notification channel) and the case-routing stream are owned by at
 *   most one replica at every sample, and are taken over within 30 s after the leader dies.
 *
 * Short variant in `npm test` (2 replicas, ~100 calls, 200 contacts); `npm run test:replicas` runs
 * the full one (REPLICAS=full: 3 replicas, ~2,000 calls, 2,000 contacts). Needs TEST_DATABASE_URL
 * (mandatory under CI=true).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startCicSandbox, type CicSandbox } from '../../sandbox/cic/index.ts';
import { runSimulation } from '../../sandbox/simulator/index.ts';
import {
  SEED_SECRET,
  TOKEN,
  startEmulators,
  type Emulators,
} from '../../src/features/call-end-intake/test-support.ts';
import { createApiKey } from '../../src/platform/auth/api-keys.ts';
import { openStore } from '../../src/platform/store/index.ts';
import { fixturePeople } from '../fixtures/pii.ts';
import { unavailableReason, withTestDatabase } from '../support/databases.ts';
import { spawnTs, type TestProcess } from '../support/processes.ts';
import { startLoadBalancer, type LoadBalancer } from './load-balancer.ts';

const FULL = process.env['REPLICAS'] === 'full';
const REPLICAS = FULL ? 3 : 2;
/** Simulated calls (Poisson arrivals: the run places about this many). */
const CALLS = FULL ? 2000 : 100;
const CASES = FULL ? 60 : 10;
/** Arrivals over this much simulated time, played faster than real time (~8 calls a second). */
const SIM_MINUTES = FULL ? 20 : 2;
const SIM_SPEED = FULL ? 5 : 10;
const AGENTS = 120;
/** Salesforce contacts for contact sync, besides the callers. */
const SYNC_CONTACTS = FULL ? 2000 : 200;
const GENESYS_LIMIT_PER_MINUTE = 600;
const TAKEOVER_MS = 30_000;
const SCREEN_POP_TOKEN = randomBytes(24).toString('base64url');
const script = join(import.meta.dirname, 'replica-process.ts');

let e: Emulators;
let cic: CicSandbox;
before(async () => {
  if (unavailableReason('postgres') !== undefined) return;
  e = await startEmulators();
  cic = await startCicSandbox();
  // A contact center: enough agents for the load, every caller a Salesforce contact; Genesys starts
  // without external contacts, so after the sync it must hold exactly one per Salesforce contact.
  e.gc.seed({ users: AGENTS, externalContacts: 0 });
  for (let i = 0; i < SYNC_CONTACTS; i++)
    e.sf.store.insert('Contact', {
      FirstName: `Sync${i}`,
      LastName: 'Contact',
      Email: `sync.contact.${i}@example.com`,
      AccountId: e.contact.accountId,
    });
  for (const person of fixturePeople.slice(1))
    e.sf.store.insert('Contact', {
      FirstName: person.firstName,
      LastName: person.lastName,
      Phone: person.phone,
      AccountId: e.contact.accountId,
    });
  e.sf.store.insert('Interaction_Routing_Queue__c', {
    Salesforce_Queue_Name__c: 'Support Queue',
    CIC_Workgroup_Name__c: 'Support',
  });
});
after(async () => {
  await cic?.close();
  await e?.close();
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, fn: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
const getJson = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;
const putJson = async (url: string, body: unknown): Promise<void> => {
  const res = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.ok(res.ok, `PUT ${url}: ${res.status} ${await res.text()}`);
};

/** Points the Genesys emulator's inbound flow and conversation-end deliveries at the load balancer. */
async function wireGenesys(lbUrl: string): Promise<void> {
  await putJson(`${e.gc.url}/__sandbox/conversations/config/flow`, {
    enabled: true,
    url: `${lbUrl}/v1/data-actions/contact-lookup`,
    auth: { type: 'header', name: 'X-Patchbay-Token', value: SCREEN_POP_TOKEN },
    timeoutSeconds: 5,
  });
  // The seed's webhook: "Retry: 3 times if fails" (1 s, then 5 s apart) — the sender's defaults.
  await putJson(`${e.gc.url}/__sandbox/conversations/config/deliveries`, {
    targets: [
      { id: 'call-ended', kind: 'genesys-webhook', url: `${lbUrl}/webhook/call-ended`, secret: SEED_SECRET },
      {
        id: 'support-result',
        kind: 'support-result',
        url: `${lbUrl}/customers/supportResult`,
        headers: { 'x-webhook-token': TOKEN },
      },
    ],
  });
}

interface Replica {
  name: string;
  url: string;
  env: Record<string, string>;
  proc: TestProcess;
  alive: boolean;
}

async function spawnReplica(r: Omit<Replica, 'proc' | 'alive'>): Promise<Replica> {
  const proc = spawnTs(script, r.env);
  await proc.waitForLine(/^LISTENING/);
  return { ...r, proc, alive: true };
}

interface Delivery {
  targetId: string;
  conversationId: string;
  attempt: number;
  outcome: 'delivered' | 'retrying' | 'failed';
  body: string;
}

void test(
  `${REPLICAS} replicas on one PostgreSQL behind a load balancer, ~${CALLS} simulated calls, one SIGKILL: each job once, schedules once, limits kept, one owner per stream, takeover < 30 s`,
  { timeout: FULL ? 3_600_000 : 300_000 },
  async (t) => {
    const reason = unavailableReason('postgres');
    if (reason !== undefined) return t.skip(reason);
    await withTestDatabase('postgres', async (db) => {
      const base = {
        ...e.env,
        DATABASE_URL: db.config.databaseUrl as string,
        GENESYS_RATE_LIMIT_PER_MINUTE: String(GENESYS_LIMIT_PER_MINUTE),
        SCREEN_POP_TOKEN,
        PATCHBAY_JOBS_POLL_MS: '50',
        PATCHBAY_JOBS_LEASE_SECONDS: '5',
        PATCHBAY_LEADER_TTL_SECONDS: '3',
        PATCHBAY_SHUTDOWN_DEADLINE_SECONDS: '2',
        PRESENCE_ENABLED: 'true',
        CASE_ROUTING_ENABLED: 'true',
        CASE_ROUTING_STREAM: 'cdc',
        CONTACT_SYNC_ENABLED: 'true',
        PATCHBAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        LOG_LEVEL: 'info',
      };
      // Seconds from the start at which each phase ended (reported, not asserted).
      const t0 = Date.now();
      const phases: Record<string, number> = {};
      const mark = (phase: string) => (phases[phase] = Math.round((Date.now() - t0) / 1000));
      const replicas: Replica[] = [];
      for (let i = 0; i < REPLICAS; i++) {
        const port = await freePort();
        const env = { ...base, PATCHBAY_PORT: String(port), REPLICA_NAME: `r${i}` };
        replicas.push(await spawnReplica({ name: `r${i}`, url: `http://127.0.0.1:${port}`, env }));
      }
      // The load balancer knows every replica's address, dead or alive, as a static upstream list.
      const lb: LoadBalancer = await startLoadBalancer(() => replicas.map((r) => r.url));
      const store = await openStore(db.config);
      try {
        await wireGenesys(lb.url);
        const { key } = await createApiKey(store.db, 'replica-harness');
        const admin = (method: string, path: string, body: unknown) =>
          fetch(`${lb.url}${path}`, {
            method,
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
        const put = (path: string, body: unknown) => admin('PUT', path, body);
        /** Queues a contact-sync run (a job on whichever replica takes it). */
        const syncRun = async (mode: 'full' | 'incremental') =>
          assert.equal((await admin('POST', '/v1/sync/runs', { mode })).status, 202);
        // Edited just before the kill: the last run must carry these edits to Genesys.
        const sfContacts = () => [...e.sf.store.scan(e.sf.store.meta('Contact'))];
        const edited = sfContacts()
          .filter((_, i) => i % 10 === 0)
          .map((c) => String(c.Id));
        const cicCreds = {
          server: cic.primaryUrl,
          switchoverServer: cic.switchoverUrl,
          userId: 'sors',
          password: 'sors-sandbox-password',
        };
        assert.equal((await put('/routing/credentials/cic', cicCreds)).status, 204);
        const sfCreds = { loginUrl: e.sf.url, clientId: e.sf.clientId, clientSecret: e.sf.clientSecret };
        assert.equal((await put('/routing/credentials/salesforce', sfCreds)).status, 204);

        // Ownership samples: presence channels connected in the Genesys emulator, replicas streaming.
        const presenceOwners = async () =>
          (
            await getJson<{ channels: Array<{ connected: boolean; topics: string[] }> }>(
              `${e.gc.url}/__sandbox/notifications/channels`,
            )
          ).channels.filter((c) => c.connected && c.topics.some((x) => x.includes('presence'))).length;
        const routingOwners = async () => {
          const live = replicas.filter((r) => r.alive);
          const s = await Promise.all(
            live.map((r) =>
              getJson<{ streaming: boolean }>(`${r.url}/routing/heartbeat`).catch(() => ({
                streaming: false,
              })),
            ),
          );
          return live.filter((_, i) => s[i]!.streaming);
        };
        const leaseHolders = async () =>
          new Map(
            (await store.db.selectFrom('leases').select(['name', 'holder', 'expires_at']).execute()).map(
              (l) => [l.name, l.holder],
            ),
          );
        await until(
          'a presence feed and a routing stream',
          async () => (await presenceOwners()) === 1 && (await routingOwners()).length === 1,
          30_000,
        );

        mark('replicasReady');
        await syncRun('full');
        const maxOwners = { presence: 0, routing: 0 };
        let sampling = true;
        const sampler = (async () => {
          while (sampling) {
            maxOwners.presence = Math.max(maxOwners.presence, await presenceOwners());
            maxOwners.routing = Math.max(maxOwners.routing, (await routingOwners()).length);
            await sleep(200);
          }
        })();

        const cases: string[] = [];
        const emailToCase = async () => {
          const res = await fetch(`${e.sf.url}/__sandbox/email-to-case`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ queue: 'Support Queue', fromAddress: 'c@example.invalid', subject: 's' }),
          });
          cases.push(((await res.json()) as { caseId: string }).caseId);
        };
        let killed: { replica: Replica; at: number; presenceHolder: string | undefined } | undefined;
        let killing: Promise<void> | undefined;
        let takeoverMs: number | undefined;
        let lastSeen = '';
        /** SIGKILLs the presence feed's leader, waits for the takeover, restarts it (a follower now). */
        const kill = async () => {
          const holder = (await leaseHolders()).get('presence-feed');
          const victim =
            replicas.find((r) => holder !== undefined && r.proc.lines[0]?.endsWith(` ${holder}`)) ??
            replicas[0]!;
          for (const id of edited) e.sf.store.update('Contact', id, { Title: 'Edited before the kill' });
          await syncRun('incremental');
          victim.alive = false;
          victim.proc.kill('SIGKILL');
          await victim.proc.exited;
          const at = Date.now();
          killed = { replica: victim, at, presenceHolder: holder };
          while (takeoverMs === undefined && Date.now() - at <= TAKEOVER_MS) {
            const p = await presenceOwners();
            const r = (await routingOwners()).length;
            lastSeen = `presence feeds ${p}, routing streams ${r}`;
            if (p === 1 && r === 1) takeoverMs = Date.now() - at;
            else await sleep(100);
          }
          const restarted = await spawnReplica({ name: victim.name, url: victim.url, env: victim.env });
          replicas[replicas.indexOf(victim)] = restarted;
        };

        // The simulator places the calls through the Genesys emulator: its flow calls the hubs' data
        // action, its agents answer and wrap up, and it sends the conversation-end deliveries.
        // Agents change presence with their own OAuth client, not the hubs' (whose limit is checked).
        const agentsClient = e.gc.addOAuthClient({ name: 'simulated agents' });
        let started = 0;
        const sim = await runSimulation({
          genesys: { baseUrl: e.gc.url, ...agentsClient },
          seed: 14,
          callsPerMinute: CALLS / SIM_MINUTES,
          durationMs: SIM_MINUTES * 60_000,
          startAt: Date.now() - 3_600_000,
          agents: AGENTS,
          anis: fixturePeople.map((p) => p.phone),
          mediaMix: { voice: 1 },
          talkMeanMs: 30_000,
          acwMeanMs: 10_000,
          breakMeanMs: 45_000,
          // Agents stay signed in: the run then ends with its last conversation.
          signOffAtEnd: false,
          speed: SIM_SPEED,
          onAction: async (a) => {
            if (a.type !== 'start') return;
            started++;
            if (started === Math.floor(CALLS * 0.4)) {
              killing = kill();
              killing.catch(() => undefined); // awaited after the run
            }
            if (started % Math.ceil(CALLS / CASES) === 0) await emailToCase();
          },
        });
        mark('simulated');
        assert.deepEqual(sim.errors, [], 'every simulated action was accepted by the emulator');
        await killing;
        assert.ok(killed, 'a replica was killed mid-run');

        // Taken over within 30 s of the kill (measured while the calls went on), and not by the
        // restarted replica, which joined as a follower.
        assert.ok(takeoverMs !== undefined, `no takeover within ${TAKEOVER_MS} ms: ${lastSeen}`);
        const newHolder = (await leaseHolders()).get('presence-feed');
        assert.notEqual(newHolder, killed.presenceHolder, 'another replica leads the presence feed');
        for (let k = 0; k < 3; k++) await emailToCase();
        await syncRun('incremental');

        // Every delivery ends (with the sender's retries); none may have failed.
        const settle = await fetch(`${e.gc.url}/__sandbox/conversations/deliveries/settle`, {
          method: 'POST',
        });
        assert.equal(settle.status, 200);
        const deliveries = (
          await getJson<{ deliveries: Delivery[] }>(`${e.gc.url}/__sandbox/conversations/deliveries`)
        ).deliveries;
        mark('delivered');
        const final = deliveries.filter((d) => d.outcome !== 'retrying');
        assert.deepEqual(
          final.filter((d) => d.outcome === 'failed'),
          [],
          'every delivery acknowledged (a refused or lost one retried by the sender)',
        );
        const delivered = (target: string) =>
          new Set(final.filter((d) => d.targetId === target).map((d) => d.conversationId));
        const ended = delivered('call-ended');
        // The path each call's flow took through the hubs' data action (reported: a lookup lost with
        // a killed replica takes the failure path, as in Genesys, and the call goes on).
        const screenPop: Record<string, number> = {};
        for (const d of final.filter((x) => x.targetId === 'call-ended' && x.outcome === 'delivered')) {
          const path = String(
            (JSON.parse(d.body) as { attributes: Record<string, string> }).attributes['screenpop_path'],
          );
          screenPop[path] = (screenPop[path] ?? 0) + 1;
        }
        const resulted = delivered('support-result');
        assert.deepEqual(
          sim.conversationIds.filter((id) => !ended.has(id)),
          [],
          'every simulated conversation delivered its end',
        );

        // Everything acknowledged is written exactly once.
        const counts = () => {
          const tasks = new Map<string, number>();
          for (const x of e.tasks())
            tasks.set(String(x.Conversation_Id__c), (tasks.get(String(x.Conversation_Id__c)) ?? 0) + 1);
          const recs = new Map<string, number>();
          for (const r of e.bo.records()) recs.set(r.interactionId, (recs.get(r.interactionId) ?? 0) + 1);
          return { tasks, recs };
        };
        const routed = (caseId: string) =>
          [...cic.state.interactions.values()].filter((i) => i.caseId === caseId).length;
        await until(
          'every acknowledged event written and every case routed',
          () => {
            const c = counts();
            return (
              [...ended].every((id) => c.tasks.has(id)) &&
              [...resulted].every((id) => c.recs.has(id)) &&
              cases.every((id) => routed(id) >= 1)
            );
          },
          FULL ? 600_000 : 90_000,
        );
        await until(
          'no job left',
          async () =>
            (
              await store.db
                .selectFrom('jobs')
                .select('id')
                .where('state', 'in', ['queued', 'running'])
                .execute()
            ).length === 0,
          // A sync run refused while the killed replica's run lease lived retries after 60 s.
          180_000,
        );
        mark('written');
        sampling = false;
        await sampler;

        const c = counts();
        const dupTasks = [...ended].filter((id) => c.tasks.get(id) !== 1);
        const dupRecs = [...resulted].filter((id) => c.recs.get(id) !== 1);
        assert.deepEqual(dupTasks, [], 'exactly one Task per conversation');
        assert.deepEqual(dupRecs, [], 'exactly one communication record per conversation');
        const dupRouted = cases.filter((id) => routed(id) !== 1);
        assert.deepEqual(dupRouted, [], 'each case routed once');

        // Contact sync: each Salesforce contact in Genesys exactly once, linked once, edits carried.
        const sfIds = sfContacts()
          .map((c) => String(c.Id))
          .sort();
        const gcContacts = e.gc.contacts.search('');
        const bySf = new Map<string, Array<Record<string, unknown>>>();
        for (const gc of gcContacts)
          for (const x of (gc.externalIds as Array<{ value: string }> | undefined) ?? [])
            bySf.set(x.value, [...(bySf.get(x.value) ?? []), gc]);
        assert.equal(gcContacts.length, sfIds.length, 'no duplicate external contact in Genesys');
        assert.deepEqual([...bySf.keys()].sort(), sfIds, 'every Salesforce contact in Genesys');
        assert.deepEqual(
          sfIds.filter((id) => bySf.get(id)?.length !== 1),
          [],
          'each Salesforce contact in Genesys once',
        );
        const links = await store.db
          .selectFrom('contact_sync_links')
          .select(['sf_id', 'gc_id', 'state'])
          .execute();
        assert.equal(links.length, sfIds.length, 'one link per contact');
        assert.deepEqual(
          links.filter((l) => l.state !== 'linked' || String(bySf.get(l.sf_id)?.[0]?.id) !== l.gc_id),
          [],
          'each link points at that contact in Genesys',
        );
        assert.deepEqual(
          edited.filter((id) => bySf.get(id)?.[0]?.title !== 'Edited before the kill'),
          [],
          'every edit reached Genesys',
        );
        const syncRuns = await store.db.selectFrom('contact_sync_runs').select(['status']).execute();

        const jobs = await store.db.selectFrom('jobs').select(['kind', 'state', 'attempts', 'key']).execute();
        const parked = jobs.filter((j) => j.state === 'parked');
        assert.deepEqual(parked, [], 'nothing parked');
        const reclaimed = jobs.filter((j) => j.attempts > 1).length;

        const occurrences = await store.db
          .selectFrom('schedule_occurrences')
          .select(['fire_at', 'job_id'])
          .where('name', '=', 'replica-test.tick')
          .execute();
        const tickJobs = jobs.filter((j) => j.kind === 'replica-test.tick');
        assert.ok(occurrences.length > 0, 'the test schedule fired');
        assert.equal(tickJobs.length, occurrences.length, 'one job per occurrence');
        assert.equal(new Set(occurrences.map((o) => o.job_id)).size, occurrences.length);
        assert.ok(tickJobs.every((j) => j.state === 'completed'));

        // The hubs' Genesys per-client limit, all replicas together: any 60 s window of the request log.
        const gcLog = await getJson<{ requests: Array<{ at: number; path: string; clientId?: string }> }>(
          `${e.gc.url}/__sandbox/requests?pathPrefix=/api/`,
        );
        const hubRequests = gcLog.requests
          .filter((r) => r.clientId === e.gc.clientId)
          .map((r) => r.at)
          .sort((a, b) => a - b);
        let maxPerMinute = 0;
        for (let i = 0, j = 0; i < hubRequests.length; i++) {
          while (hubRequests[i]! - hubRequests[j]! >= 60_000) j++;
          maxPerMinute = Math.max(maxPerMinute, i - j + 1);
        }
        assert.ok(
          maxPerMinute <= GENESYS_LIMIT_PER_MINUTE,
          `Genesys requests per minute for the hubs' client ${maxPerMinute} ≤ ${GENESYS_LIMIT_PER_MINUTE}`,
        );
        assert.equal(maxOwners.presence, 1, 'at most one presence feed at any sample');
        assert.equal(maxOwners.routing, 1, 'at most one routing stream at any sample');
        t.diagnostic(
          JSON.stringify({
            replicas: REPLICAS,
            calls: sim.conversationIds.length,
            answered: sim.truth.totals.answered,
            abandoned: sim.truth.totals.abandoned,
            presence: sim.presence,
            deliveries: deliveries.length,
            deliveryRetries: deliveries.filter((d) => d.attempt > 1).length,
            screenPop,
            tasks: c.tasks.size,
            records: c.recs.size,
            cases: cases.length,
            syncContacts: sfIds.length,
            syncRunsByStatus: syncRuns.reduce<Record<string, number>>(
              (acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }),
              {},
            ),
            jobs: jobs.length,
            reclaimedJobs: reclaimed,
            scheduleOccurrences: occurrences.length,
            servedPerReplica: Object.fromEntries(replicas.map((r) => [r.name, lb.served.get(r.url) ?? 0])),
            hubGenesysRequests: hubRequests.length,
            genesysMaxPerClientPerMinute: maxPerMinute,
            takeoverMs,
            maxOwners,
            phases,
          }),
        );
      } finally {
        for (const r of replicas) {
          r.proc.kill('SIGTERM');
          await r.proc.exited;
        }
        await lb.close();
        await store.close();
      }
    });
  },
);
