/** A jsforce connection to the Salesforce emulator, logged in with the client-credentials flow. */
import jsforce from 'jsforce';

export async function jsforceClient(
  url: string,
  app: { clientId: string; clientSecret: string },
  version = '65.0',
): Promise<jsforce.Connection> {
  const conn = new jsforce.Connection({
    instanceUrl: url,
    version,
    oauth2: { loginUrl: url, clientId: app.clientId, clientSecret: app.clientSecret },
  });
  await conn.authorize({ grant_type: 'client_credentials' });
  return conn;
}
