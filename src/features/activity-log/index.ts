/**
 * Activity logging (seed 000): the `activity-log` job turns a stored conversation end into one
 * Salesforce Task (upserted by conversation ID) and the Contact's call fields, in one Composite
 * request. The job result records how the contact was found and the not-found policy applied.
 */
import { performance } from 'node:perf_hooks';
import type { CountryCode } from 'libphonenumber-js';
import { vendorErrorCode } from '../../connectors/errors.ts';
import type { Alerts } from '../../platform/alerts/index.ts';
import {
  PermanentError,
  RetryableError,
  type Clock,
  type JobContext,
  type Queue,
} from '../../platform/jobs/index.ts';
import type { Logger } from '../../platform/log/logger.ts';
import type { Metrics } from '../../platform/metrics/registry.ts';
import type { Store } from '../../platform/store/index.ts';
import { parseCallEnd, type CallEndEvent } from '../call-end-intake/call-end.ts';
import { loadEvent } from '../call-end-intake/intake.ts';
import '../call-end-intake/jobs.ts';
import type { ContactIndex, GenesysLookups, SalesforcePort } from '../call-end-intake/ports.ts';
import type { CallLoggingSettings } from '../call-end-intake/settings.ts';
import { createActivityMonitor, type ActivityMonitor } from './monitor.ts';
import { resolveContact } from './resolve-contact.ts';
import { contactCallFields, taskFields, type ResolvedContact } from './task-mapping.ts';
import { findTask, writeTask } from './write-task.ts';

export { mirrorContactIndex } from './resolve-contact.ts';

export interface ActivityLogDeps {
  store: Store;
  queue: Queue;
  log: Logger;
  metrics: Metrics;
  clock: Clock;
  alerts?: Alerts | undefined;
  settings: CallLoggingSettings['activityLog'];
  phoneRegion: CountryCode;
  salesforce: () => SalesforcePort | undefined;
  genesys: () => Pick<GenesysLookups, 'getRecordings'> | undefined;
  contactIndex?: () => ContactIndex | undefined;
  /**
   * Consent for the `logging` purpose (privacy's `hasConsent(subject, 'logging')`, wired in
   * `src/app.ts`); false → no Task is written for that caller (skipped, reason `consent_withdrawn`).
   */
  consent?: ((subject: { contactId?: string; phone?: string }) => Promise<boolean>) | undefined;
  /** Job concurrency (default 16: each job is mostly one Salesforce round trip). */
  concurrency?: number;
}

export interface ActivityLogResult {
  outcome: 'logged' | 'skipped';
  taskId?: string;
  created?: boolean;
  contactVia?: string;
  policy?: string;
  reason?: string;
  recording: boolean;
}

/** The recording's signed link, or undefined after `timeoutMs` / on any error: it never blocks the Task. */
export async function recordingLink(
  genesys: Pick<GenesysLookups, 'getRecordings'> | undefined,
  event: CallEndEvent,
  timeoutMs: number,
  log: Logger,
): Promise<string | undefined> {
  if (!genesys) return undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    const recordings = await Promise.race([genesys.getRecordings(event.conversationId), timeout]);
    if (!recordings) {
      log.info({ conversationId: event.conversationId }, 'recording link timed out; Task written without it');
      return undefined;
    }
    const pick = recordings.find((r) => r.id === event.recordingId) ?? recordings[0];
    for (const m of Object.values(pick?.mediaUris ?? {})) if (m?.mediaUri) return m.mediaUri;
    return undefined;
  } catch (err) {
    log.info(
      { conversationId: event.conversationId, code: vendorErrorCode(err) },
      'recording link unavailable',
    );
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** Who a call is about, for the consent question: the resolved contact and the caller's number. */
function consentSubject(
  contactId: string | undefined,
  callerId: string | undefined,
): { contactId?: string; phone?: string } {
  const phone = callerId?.replace(/^tel:/i, '');
  return { ...(contactId ? { contactId } : {}), ...(phone ? { phone } : {}) };
}

export function registerActivityLog(deps: ActivityLogDeps): { monitor: ActivityMonitor } {
  const monitor = createActivityMonitor({ metrics: deps.metrics, log: deps.log, alerts: deps.alerts });
  const s = deps.settings;

  async function handle(
    payload: { eventId: string; conversationId: string },
    ctx: JobContext,
  ): Promise<ActivityLogResult> {
    const sf = deps.salesforce();
    if (!sf) throw new RetryableError('Salesforce is not configured (SALESFORCE_*)');
    const stored = await loadEvent(deps.store.db, payload.eventId);
    if (!stored) throw new PermanentError(`inbound event ${payload.eventId} not found`);
    const parsed = parseCallEnd(JSON.parse(stored.body));
    if (!parsed.ok) throw new PermanentError(`stored event invalid: ${parsed.field}`);
    const event = parsed.value;

    // A retry may follow a write that succeeded: reuse what is there (create-contact must not create twice).
    const previous =
      ctx.attempt > 1 && s.notFound === 'create-contact'
        ? await findTask(sf, s.taskKey, event.conversationId)
        : undefined;
    let contact: ResolvedContact | undefined =
      previous?.WhoId != null
        ? { id: previous.WhoId, name: undefined, accountId: undefined, via: 'previous-attempt' }
        : undefined;
    contact ??= await resolveContact(event, {
      salesforce: sf,
      index: deps.contactIndex?.(),
      trustAttributes: true,
      region: deps.phoneRegion,
    });
    let createContact: Record<string, string | number> | undefined;
    const notFound = contact === undefined;
    if (!contact) {
      switch (s.notFound) {
        case 'skip':
          return { outcome: 'skipped', reason: 'contact_not_found', policy: 'skip', recording: false };
        case 'create-contact':
          createContact = {
            LastName: event.callerId ?? 'Unknown caller',
            ...(event.callerId ? { Phone: event.callerId } : {}),
          };
          contact = { id: undefined, name: event.callerId, accountId: undefined, via: 'created' };
          break;
        case 'unknown-caller-account':
          if (!s.unknownCallerAccountId)
            throw new PermanentError(
              'ACTIVITY_LOG_UNKNOWN_CALLER_ACCOUNT_ID is required by the unknown-caller-account policy',
            );
          contact = {
            id: undefined,
            name: 'unknown caller',
            accountId: s.unknownCallerAccountId,
            via: 'unknown-caller-account',
          };
          break;
        default: {
          const never: never = s.notFound;
          throw new PermanentError(`unknown policy ${String(never)}`);
        }
      }
    }
    if (deps.consent && !(await deps.consent(consentSubject(contact.id, event.callerId))))
      return { outcome: 'skipped', reason: 'consent_withdrawn', recording: false };
    const recordingUrl = await recordingLink(deps.genesys(), event, s.recordingTimeoutMs, ctx.log);
    const write = {
      conversationId: event.conversationId,
      task: taskFields({ event, contact, recordingUrl, timezone: s.timezone, fieldMap: s.fieldMap }),
      contactId: contact.id,
      contactFields: contactCallFields(event, new Date(stored.receivedAt).toISOString()),
      createContact,
    };
    try {
      const res = await writeTask(sf, s.taskKey, write);
      return {
        outcome: 'logged',
        taskId: res.taskId,
        created: res.created,
        contactVia: contact.via,
        ...(notFound ? { policy: s.notFound } : {}),
        recording: recordingUrl !== undefined,
      };
    } catch (err) {
      // The flow's contact_id, or the index (a mirror a moment behind), may name a deleted
      // contact: resolve again live, trusting neither.
      const code = vendorErrorCode(err);
      if (
        (contact.via !== 'attribute' && contact.via !== 'index') ||
        (code !== 'INVALID_CROSS_REFERENCE_KEY' && code !== 'ENTITY_IS_DELETED')
      )
        throw err;
      const again = await resolveContact(
        { ...event, attributes: {} },
        { salesforce: sf, trustAttributes: false, region: deps.phoneRegion },
      );
      if (!again)
        return { outcome: 'skipped', reason: 'contact_not_found', policy: 'skip', recording: false };
      const res = await writeTask(sf, s.taskKey, {
        ...write,
        task: taskFields({ event, contact: again, recordingUrl, timezone: s.timezone, fieldMap: s.fieldMap }),
        contactId: again.id,
      });
      return {
        outcome: 'logged',
        taskId: res.taskId,
        created: res.created,
        contactVia: again.via,
        recording: recordingUrl !== undefined,
      };
    }
  }

  deps.queue.define('activity-log', {
    concurrency: deps.concurrency ?? 16,
    async handler(payload, ctx) {
      const started = performance.now();
      try {
        const result = await handle(payload, ctx);
        monitor.record(result.outcome, performance.now() - started, {
          contactNotFound: result.reason === 'contact_not_found' || result.policy !== undefined,
        });
        return result;
      } catch (err) {
        monitor.record('failed', performance.now() - started);
        throw err;
      }
    },
  });
  return { monitor };
}
