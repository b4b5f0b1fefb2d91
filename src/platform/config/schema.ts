/**
 * The configuration schema: one entry per setting, as data. The loader, `config check`,
 * the README's reference table (kept in sync by a test) and the deploy manifests' check all
 * read this list, so a setting exists in exactly one place.
 */

export type SettingType = 'string' | 'int' | 'bool' | 'url' | 'enum' | 'duration-seconds';

export interface Setting {
  /** Environment variable name (also the key in `.env` and in the JSON config file). */
  env: string;
  type: SettingType;
  description: string;
  default?: string;
  /** Masked in `config check` and never logged. */
  secret?: boolean;
  values?: readonly string[];
  min?: number;
  max?: number;
  /** URL schemes accepted for `url` settings. */
  schemes?: readonly string[];
}

export const settings = [
  {
    env: 'PATCHBAY_CONFIG_FILE',
    type: 'string',
    description:
      'Optional JSON file of settings (an object of these names); read from the environment or .env only.',
  },
  { env: 'PATCHBAY_HOST', type: 'string', default: '127.0.0.1', description: 'Address the hub listens on.' },
  {
    env: 'PATCHBAY_PORT',
    type: 'int',
    default: '8080',
    min: 0,
    max: 65535,
    description: 'Port the hub listens on (0 = any free port).',
  },
  {
    env: 'PATCHBAY_PUBLIC_URL',
    type: 'url',
    schemes: ['http', 'https'],
    description: 'URL under which users and Genesys reach the hub (defaults to http://HOST:PORT).',
  },
  {
    env: 'DATABASE_URL',
    type: 'url',
    schemes: ['postgres', 'postgresql'],
    secret: true,
    description: 'PostgreSQL connection URL. When unset, the hub uses the embedded SQLite file.',
  },
  {
    env: 'DATABASE_POOL_SIZE',
    type: 'int',
    default: '10',
    min: 1,
    max: 1000,
    description:
      'Connections each hub process keeps open to PostgreSQL (replicas × this must stay under the PostgreSQL max_connections setting).',
  },
  {
    env: 'DATABASE_PREPARED_STATEMENTS',
    type: 'bool',
    default: 'true',
    description:
      'Prepare the hot inserts once per PostgreSQL connection (less server CPU per event); false behind a pooler in transaction mode without prepared-statement support (PgBouncer < 1.21).',
  },
  {
    env: 'PATCHBAY_SQLITE_PATH',
    type: 'string',
    default: '.data/patchbay.sqlite',
    description: 'SQLite database file (used when DATABASE_URL is unset).',
  },
  {
    env: 'LOG_LEVEL',
    type: 'enum',
    default: 'info',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    description: 'Minimum level of the JSON logs on stdout.',
  },
  {
    env: 'PATCHBAY_LOG_FILE',
    type: 'string',
    description: 'Also write logs to this file (in addition to stdout).',
  },
  {
    env: 'PATCHBAY_BODY_LIMIT_BYTES',
    type: 'int',
    default: '1048576',
    min: 1024,
    max: 104857600,
    description: 'Largest accepted request body; larger bodies get 413.',
  },
  {
    env: 'PATCHBAY_ENCRYPTION_KEY',
    type: 'string',
    secret: true,
    description: 'Base64 of 32 random bytes; encrypts stored credentials (AES-256-GCM).',
  },
  {
    env: 'PATCHBAY_ENCRYPTION_OLD_KEYS',
    type: 'string',
    secret: true,
    description:
      'Comma-separated base64 keys that were PATCHBAY_ENCRYPTION_KEY before a rotation; used only to decrypt.',
  },
  {
    env: 'PATCHBAY_TIMEZONE',
    type: 'string',
    default: 'UTC',
    description: "The organisation's IANA time zone (activity dates, report schedules).",
  },
  {
    env: 'PATCHBAY_JOBS_LEASE_SECONDS',
    type: 'int',
    default: '60',
    min: 5,
    max: 3600,
    description: 'How long a worker holds a job before another may take it over.',
  },
  {
    env: 'PATCHBAY_JOBS_MAX_AGE_HOURS',
    type: 'int',
    default: '72',
    min: 1,
    max: 8760,
    description: 'Age after which a failing job is parked instead of retried.',
  },
  {
    env: 'PATCHBAY_JOBS_POLL_MS',
    type: 'int',
    default: '250',
    min: 10,
    max: 60000,
    description: 'How often idle workers look for due jobs.',
  },
  {
    env: 'PATCHBAY_SHUTDOWN_DEADLINE_SECONDS',
    type: 'int',
    default: '25',
    min: 0,
    max: 600,
    description: 'On SIGTERM, how long in-flight jobs may finish before they are released.',
  },
  {
    env: 'SALESFORCE_LOGIN_URL',
    type: 'url',
    schemes: ['http', 'https'],
    description: 'Salesforce login URL (https://login.salesforce.com, a My Domain, or the sandbox emulator).',
  },
  {
    env: 'SALESFORCE_CLIENT_ID',
    type: 'string',
    description: 'Connected app consumer key (client credentials flow).',
  },
  {
    env: 'SALESFORCE_CLIENT_SECRET',
    type: 'string',
    secret: true,
    description: 'Connected app consumer secret.',
  },
  {
    env: 'SALESFORCE_API_VERSION',
    type: 'string',
    default: '62.0',
    description: 'Salesforce REST API version.',
  },
  {
    env: 'GENESYS_API_URL',
    type: 'url',
    schemes: ['http', 'https'],
    description: 'Genesys Cloud API base URL (e.g. https://api.mypurecloud.com, or the sandbox emulator).',
  },
  {
    env: 'GENESYS_LOGIN_URL',
    type: 'url',
    schemes: ['http', 'https'],
    description:
      'Genesys Cloud login base URL (e.g. https://login.mypurecloud.com); defaults to GENESYS_API_URL.',
  },
  {
    env: 'GENESYS_CLIENT_ID',
    type: 'string',
    description: 'Genesys OAuth client ID (client credentials grant).',
  },
  { env: 'GENESYS_CLIENT_SECRET', type: 'string', secret: true, description: 'Genesys OAuth client secret.' },
  {
    env: 'GENESYS_RATE_LIMIT_PER_MINUTE',
    type: 'int',
    default: '300',
    min: 1,
    max: 100000,
    description:
      'Requests per minute to Genesys for this OAuth client, shared by every hub replica (a database token bucket).',
  },
  {
    env: 'GENESYS_LOGIN_CLIENT_ID',
    type: 'string',
    description:
      'Genesys OAuth client for dashboard sign-in (authorization code + PKCE); defaults to GENESYS_CLIENT_ID.',
  },
  {
    env: 'SMTP_URL',
    type: 'url',
    schemes: ['smtp', 'smtps'],
    secret: true,
    description:
      'Outgoing mail server, e.g. smtp://user:password@mail.example.com:587 (smtps:// for TLS on connect).',
  },
  {
    env: 'SMTP_FROM',
    type: 'string',
    default: 'Patchbay <patchbay@localhost>',
    description: 'Sender address of e-mails the hub sends.',
  },
  {
    env: 'REPORT_RECIPIENTS',
    type: 'string',
    description: 'Comma-separated distribution list of the nightly analytics report (unset: not e-mailed).',
  },
  {
    env: 'REPORT_CRON',
    type: 'string',
    default: '0 2 * * *',
    description:
      'When the nightly report runs (cron, read in PATCHBAY_TIMEZONE); it reports on the previous day.',
  },
  {
    env: 'REPORT_TARGET_SERVICE_LEVEL_PERCENT',
    type: 'int',
    default: '80',
    min: 0,
    max: 100,
    description: 'Service level target: % of offered conversations answered within the queue threshold.',
  },
  {
    env: 'REPORT_TARGET_AHT_SECONDS',
    type: 'int',
    default: '600',
    min: 1,
    max: 86400,
    description: 'Average handle time target (the report alerts above it).',
  },
  {
    env: 'REPORT_TARGET_ABANDON_PERCENT',
    type: 'int',
    default: '5',
    min: 0,
    max: 100,
    description: 'Abandon rate target (the report alerts above it).',
  },
  {
    env: 'PRESENCE_ENABLED',
    type: 'bool',
    default: 'true',
    description: 'Run the agent presence feed (needs GENESYS_*); one replica holds it at a time.',
  },
  {
    env: 'PRESENCE_POLL_SECONDS',
    type: 'int',
    default: '5',
    min: 1,
    max: 300,
    description: 'While the notification socket is down, poll bulk presence this often.',
  },
  {
    env: 'PATCHBAY_LEADER_TTL_SECONDS',
    type: 'int',
    default: '15',
    min: 2,
    max: 300,
    description:
      'Lease of single-owner tasks (presence feed, case routing): a dead replica is replaced after this plus a third of it.',
  },
  {
    env: 'PATCHBAY_ALERT_WEBHOOK_URL',
    type: 'url',
    schemes: ['http', 'https'],
    secret: true,
    description:
      'Alerts are POSTed here as Slack-compatible JSON `{ text }` (e.g. a Slack incoming webhook).',
  },
  {
    env: 'PATCHBAY_ALERT_EMAIL_TO',
    type: 'string',
    description:
      'Comma-separated addresses that receive alerts by e-mail (needs SMTP_URL; sent from SMTP_FROM).',
  },
  {
    env: 'PATCHBAY_ALERT_RENOTIFY_MINUTES',
    type: 'int',
    default: '60',
    min: 0,
    max: 10080,
    description:
      'Repeat the notification of an alert still open (and still raised) after this long; 0 = never.',
  },
  {
    env: 'PATCHBAY_LOG_DIR',
    type: 'string',
    description:
      'Also write logs to daily files `patchbay-YYYY-MM-DD.log` in this folder (see PATCHBAY_LOG_RETENTION_DAYS).',
  },
  {
    env: 'PATCHBAY_LOG_RETENTION_DAYS',
    type: 'int',
    default: '14',
    min: 1,
    max: 3650,
    description: 'Daily log files older than this many days are deleted.',
  },
  {
    env: 'CASE_ROUTING_ENABLED',
    type: 'bool',
    default: 'false',
    description:
      'Route Email-to-Case cases from the Salesforce routing table to CIC workgroups / Genesys Cloud queues.',
  },
  {
    env: 'CASE_ROUTING_STREAM',
    type: 'enum',
    default: 'pushtopic',
    values: ['pushtopic', 'cdc'],
    description: 'How routing-table entries are received: the PushTopic (as SORS) or Change Data Capture.',
  },
  {
    env: 'CASE_ROUTING_PUSHTOPIC',
    type: 'string',
    default: 'ININObjectRouting',
    description: 'Name of the PushTopic on the routing table (created if missing).',
  },
  {
    env: 'CASE_ROUTING_INSTANCE_NAME',
    type: 'string',
    default: 'patchbay',
    description: 'Name of this routing instance (organisation) on the heartbeat and the status dashboard.',
  },
  {
    env: 'CALL_END_SIGNATURE',
    type: 'enum',
    default: 'seed',
    values: ['seed', 'standard-webhooks', 'token'],
    description:
      'How conversation-end webhooks are signed: seed (x-genesys-webhook-signature), standard-webhooks, or token (static header).',
  },
  {
    env: 'CALL_END_SECRETS',
    type: 'string',
    secret: true,
    description:
      'Comma-separated active secrets of the conversation-end webhooks (several during rotation); unset = every delivery refused.',
  },
  {
    env: 'SUPPORT_RESULT_SIGNATURE',
    type: 'enum',
    default: 'token',
    values: ['seed', 'standard-webhooks', 'token'],
    description: 'How /customers/supportInteraction and /customers/supportResult callers authenticate.',
  },
  {
    env: 'SUPPORT_RESULT_SECRETS',
    type: 'string',
    secret: true,
    description: 'Comma-separated active secrets (or tokens) of the back-office endpoints; unset = refused.',
  },
  {
    env: 'SAVE_LOG_SIGNATURE',
    type: 'enum',
    default: 'token',
    values: ['seed', 'standard-webhooks', 'token'],
    description: 'How /v1/extensions/save-log callers authenticate.',
  },
  {
    env: 'SAVE_LOG_SECRETS',
    type: 'string',
    secret: true,
    description: 'Comma-separated active secrets (or tokens) of the save-log endpoint; unset = refused.',
  },
  {
    env: 'WEBHOOK_TOKEN_HEADER',
    type: 'string',
    default: 'x-webhook-token',
    description: 'Header carrying the static token of the `token` scheme (a data action credential header).',
  },
  {
    env: 'WEBHOOK_TOLERANCE_SECONDS',
    type: 'int',
    default: '300',
    min: 1,
    max: 3600,
    description: 'Signed webhooks: largest accepted clock skew, both ways.',
  },
  {
    env: 'CALL_END_NOTIFICATION_QUEUE_IDS',
    type: 'string',
    description:
      'Comma-separated Genesys queue IDs whose conversations are followed through notifications (no public endpoint needed); one replica holds the subscription.',
  },
  {
    env: 'ACTIVITY_LOG_NOT_FOUND',
    type: 'enum',
    default: 'skip',
    values: ['skip', 'create-contact', 'unknown-caller-account'],
    description:
      'When no Salesforce contact matches the caller: skip the Task, create a contact, or log to an account.',
  },
  {
    env: 'ACTIVITY_LOG_UNKNOWN_CALLER_ACCOUNT_ID',
    type: 'string',
    description:
      'Account the Task is related to (WhatId) under ACTIVITY_LOG_NOT_FOUND=unknown-caller-account.',
  },
  {
    env: 'ACTIVITY_LOG_TASK_KEY',
    type: 'enum',
    default: 'external-id',
    values: ['external-id', 'call-object'],
    description:
      'external-id: upsert Tasks by Conversation_Id__c (add that field to the org); call-object: orgs without it (query CallObject first).',
  },
  {
    env: 'ACTIVITY_LOG_FIELD_MAP',
    type: 'string',
    description:
      'Extra Task fields, e.g. Call_Queue__c=queueName,Call_Agent__c=agentName,Customer_Tier__c=attributes.customer_tier.',
  },
  {
    env: 'ACTIVITY_LOG_RECORDING_TIMEOUT_MS',
    type: 'int',
    default: '2000',
    min: 100,
    max: 30000,
    description: 'Longest wait for the recording link; the Task is written without it after this.',
  },
  {
    env: 'BACKOFFICE_URL',
    type: 'url',
    schemes: ['http', 'https'],
    description: 'Base URL of the back office (communication-history-manager and customer lookup).',
  },
  {
    env: 'BACKOFFICE_CUSTOMERS',
    type: 'enum',
    default: 'every',
    values: ['every', 'last'],
    description: 'Which customers paired with an interaction get a communication record (last = the seed).',
  },
  {
    env: 'SAVE_LOG_UPSERT_EVENTS',
    type: 'string',
    default: 'interactionDisconnected,interactionChangedAfterDisconnect,interactionACWCompleted',
    description: 'Save-log events on which the merged interaction log is upserted as a Task.',
  },
  {
    env: 'PHONE_DEFAULT_REGION',
    type: 'string',
    default: 'US',
    description:
      'Region (ISO 3166 alpha-2) of phone numbers written without a country code, in Salesforce and in caller IDs.',
  },
  {
    env: 'SF_MIRROR_ENABLED',
    type: 'bool',
    default: 'true',
    description:
      'Keep a local mirror of Salesforce Contacts (initial load, CDC, catch-up) for lookups; one replica syncs it.',
  },
  {
    env: 'SF_MIRROR_PHONE_FIELDS',
    type: 'string',
    default: 'Phone,MobilePhone,HomePhone,OtherPhone',
    description: 'Comma-separated Contact phone fields indexed for caller lookup.',
  },
  {
    env: 'SF_MIRROR_TIER_FIELD',
    type: 'string',
    default: 'Custom_Tier__c',
    description: 'Contact field holding the customer tier (empty: no tier).',
  },
  {
    env: 'SF_MIRROR_CATCHUP_SECONDS',
    type: 'int',
    default: '300',
    min: 0,
    max: 86400,
    description: 'Incremental catch-up of the mirror by SystemModstamp, besides CDC (0 = only at start).',
  },
  {
    env: 'SF_MIRROR_OVERLAP_SECONDS',
    type: 'int',
    default: '60',
    min: 0,
    max: 86400,
    description: 'How far before its watermark each catch-up re-reads (late commits, clock skew).',
  },
  {
    env: 'SCREEN_POP_TOKEN',
    type: 'string',
    secret: true,
    description:
      'Data action credential (User Defined header, see SCREEN_POP_AUTH_HEADER). With no token and no Basic user, the data actions refuse every call.',
  },
  {
    env: 'SCREEN_POP_AUTH_HEADER',
    type: 'string',
    default: 'X-Patchbay-Token',
    description: 'Header that carries SCREEN_POP_TOKEN.',
  },
  {
    env: 'SCREEN_POP_BASIC_USER',
    type: 'string',
    description: 'Data action credential (Basic): user name.',
  },
  {
    env: 'SCREEN_POP_BASIC_PASSWORD',
    type: 'string',
    secret: true,
    description: 'Data action credential (Basic): password.',
  },
  {
    env: 'SCREEN_POP_MAX_MATCHES',
    type: 'int',
    default: '5',
    min: 1,
    max: 25,
    description: 'Most entries in `matches[]` when several contacts share the caller number.',
  },
  {
    env: 'SCREEN_POP_FALLBACK',
    type: 'enum',
    default: 'cold',
    values: ['never', 'cold', 'miss'],
    description:
      'Live Salesforce lookup: never; only while the mirror is not loaded (cold); or also when the number is not in the mirror (miss).',
  },
  {
    env: 'SCREEN_POP_BUDGET_MS',
    type: 'int',
    default: '2500',
    min: 50,
    max: 59000,
    description: "Time budget of a live lookup; keep it below the data action's timeout in Genesys.",
  },
  {
    env: 'SCREEN_POP_CACHE_SIZE',
    type: 'int',
    default: '10000',
    min: 0,
    max: 1000000,
    description: 'Entries of the live-lookup LRU cache (0 = no cache).',
  },
  {
    env: 'SCREEN_POP_CACHE_TTL_SECONDS',
    type: 'int',
    default: '300',
    min: 0,
    max: 86400,
    description: 'Lifetime of a cached live lookup (not-found answers: at most 30 s).',
  },
  {
    env: 'SCREEN_POP_CRM_URL',
    type: 'url',
    schemes: ['http', 'https'],
    description:
      'Base URL of Salesforce record pages the agent desktop opens (e.g. https://acme.lightning.force.com); defaults to SALESFORCE_LOGIN_URL.',
  },
  {
    env: 'PRIVACY_HASH_KEY',
    type: 'string',
    secret: true,
    description:
      'Key of the keyed hashes (HMAC-SHA256) that the privacy audit, consent state and masked exports keep instead of identifiers. Unset: a random key is generated once and stored in the database.',
  },
  {
    env: 'PRIVACY_ERASURE_DEADLINE_DAYS',
    type: 'int',
    default: '30',
    min: 1,
    max: 90,
    description: 'Days from receipt within which an erasure must complete (GDPR Art. 12(3): one month).',
  },
  {
    env: 'PRIVACY_ERASURE_WARN_DAYS',
    type: 'int',
    default: '7',
    min: 0,
    max: 90,
    description:
      'Raise the privacy.erasure-deadline alert when an erasure is still open this many days before its deadline.',
  },
  {
    env: 'PRIVACY_CONVERSATION_LOOKBACK_DAYS',
    type: 'int',
    default: '400',
    min: 1,
    max: 3660,
    description:
      "How far back an erasure looks for the subject's conversations in Genesys analytics (older recordings: the retention job).",
  },
  {
    env: 'PRIVACY_SF_HARD_DELETE',
    type: 'bool',
    default: 'true',
    description: 'Empty the Salesforce recycle bin for erased records (where the org allows it).',
  },
  {
    env: 'PRIVACY_RETENTION_DAYS',
    type: 'int',
    default: '2557',
    min: 1,
    max: 36500,
    description:
      'Default retention of recordings in days (2557 = 7 years); older ones are deleted unless on legal hold.',
  },
  {
    env: 'PRIVACY_RETENTION_BY_MEDIA',
    type: 'string',
    default: '',
    description:
      'Retention in days per recording media type, e.g. audio=2557,screen=365 (others: PRIVACY_RETENTION_DAYS).',
  },
  {
    env: 'PRIVACY_RETENTION_CRON',
    type: 'string',
    default: '30 3 * * *',
    description: 'When the daily recording retention job runs (cron, PATCHBAY_TIMEZONE).',
  },
  {
    env: 'PRIVACY_CONSENT_PURPOSES',
    type: 'string',
    default: 'sync=service,logging=service,recording=recording,analytics=analytics',
    description: 'Purpose=consent type pairs: a withdrawn consent of that type stops the purpose.',
  },
  {
    env: 'PRIVACY_CONSENT_STRICT',
    type: 'string',
    default: '',
    description:
      'Purposes that also need a recorded consent (not only the absence of a withdrawal), comma-separated.',
  },
  {
    env: 'CONTACT_SYNC_ENABLED',
    type: 'bool',
    default: 'true',
    description:
      'Schedule the contact sync (Salesforce → Genesys external contacts) when both are configured.',
  },
  {
    env: 'CONTACT_SYNC_CRON',
    type: 'string',
    default: '*/30 * * * *',
    description: 'When the contact sync runs (cron).',
  },
  {
    env: 'CONTACT_SYNC_MAPPING',
    type: 'string',
    description:
      'Field mapping as JSON (SF field → Genesys field, type, direction, priority); default: the built-in table.',
  },
  {
    env: 'CONTACT_SYNC_STRATEGY',
    type: 'enum',
    default: 'field-priority',
    values: ['last-write-wins', 'field-priority', 'manual'],
    description: 'How a field changed on both sides is merged (manual = parked until resolved).',
  },
  {
    env: 'CONTACT_SYNC_DIRECTION',
    type: 'enum',
    default: 'sf-to-gc',
    values: ['sf-to-gc', 'both'],
    description: 'Salesforce → Genesys only, or bi-directional.',
  },
  {
    env: 'CONTACT_SYNC_TIE',
    type: 'enum',
    default: 'salesforce',
    values: ['salesforce', 'genesys'],
    description: 'Which side wins a conflict whose two changes have the same timestamp.',
  },
  {
    env: 'CONTACT_SYNC_ON_DELETE',
    type: 'enum',
    default: 'remove',
    values: ['remove', 'mark'],
    description: 'A Salesforce deletion removes the Genesys contact, or marks it (customFields.sfDeleted).',
  },
  {
    env: 'CONTACT_SYNC_BATCH_SIZE',
    type: 'int',
    default: '100',
    min: 1,
    max: 100,
    description: 'Contacts per Genesys bulk call.',
  },
  {
    env: 'CONTACT_SYNC_MATCH_NAME_ACCOUNT',
    type: 'bool',
    default: 'false',
    description:
      'Also match an unlinked contact by first name + last name + account (after e-mail and phone).',
  },
  {
    env: 'CONTACT_SYNC_OVERLAP_SECONDS',
    type: 'int',
    default: '60',
    min: 0,
    max: 3600,
    description: 'Re-read window before the Salesforce watermark of an incremental run.',
  },
] as const satisfies readonly Setting[];

export type SettingName = (typeof settings)[number]['env'];

/** The settings with their common shape, for code that iterates over all of them. */
export const settingList: ReadonlyArray<Setting & { env: SettingName }> = settings;
