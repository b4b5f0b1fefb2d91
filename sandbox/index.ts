/**
 * The whole sandbox in one call: Salesforce, Genesys Cloud, CIC (primary + switchover), the back
 * office and an SMTP server, each on its own loopback port, seeded deterministically. Used by
 * `patchbay sandbox`, `npm start` (the demo) and end-to-end tests.
 */
import { startBackofficeSandbox, type BackofficeSandbox } from './backoffice/index.ts';
import { startCicSandbox, type CicSandbox } from './cic/index.ts';
import { startGenesysSandbox, type GenesysSandbox } from './genesys/index.ts';
import { startSalesforceSandbox, type SalesforceSandbox, type SeedSummary } from './salesforce/index.ts';
import { startSmtpSandbox, type SmtpSandbox } from './smtp/index.ts';

export interface SandboxOptions {
  /** Accounts seeded in Salesforce (each with `contactsPerAccount` contacts). */
  accounts?: number;
  contactsPerAccount?: number;
}

export interface Sandbox {
  salesforce: SalesforceSandbox;
  genesys: GenesysSandbox;
  cic: CicSandbox;
  backoffice: BackofficeSandbox;
  smtp: SmtpSandbox;
  seed: SeedSummary;
  /** Caller numbers for simulated calls: known contacts in mixed formats, a shared number, unknown numbers. */
  callerNumbers: string[];
  urls: Record<string, string>;
  close(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const [salesforce, genesys, cic, backoffice, smtp] = await Promise.all([
    startSalesforceSandbox(),
    startGenesysSandbox(),
    startCicSandbox(),
    startBackofficeSandbox(),
    startSmtpSandbox(),
  ]);
  const seed = salesforce.seed({
    accounts: opts.accounts ?? 50,
    contactsPerAccount: opts.contactsPerAccount ?? 4,
  });
  const known = seed.samplePhones;
  const callerNumbers = [
    ...known,
    ...known.slice(0, 3).map((e164) => `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`),
    ...(seed.sharedPhone ? [seed.sharedPhone] : []),
    '+14155559876',
    '+442079460999',
  ];
  return {
    salesforce,
    genesys,
    cic,
    backoffice,
    smtp,
    seed,
    callerNumbers,
    urls: {
      salesforce: salesforce.url,
      genesys: genesys.url,
      'cic (primary)': cic.primaryUrl,
      'cic (switchover)': cic.switchoverUrl,
      backoffice: backoffice.url,
      'smtp (web)': smtp.url,
      'smtp (server)': `smtp://${smtp.smtpHost}:${smtp.smtpPort}`,
    },
    async close() {
      await Promise.allSettled([
        salesforce.close(),
        genesys.close(),
        cic.close(),
        backoffice.close(),
        smtp.close(),
      ]);
    },
  };
}
