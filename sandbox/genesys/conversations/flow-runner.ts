/**
 * Runs the inbound flow's data action over HTTP, as Architect's "Call Data Action" does: POST the
 * contract input, wait at most `timeoutSeconds`, and take the success / failure / timeout path.
 */
import { attributesFromOutput, type FlowConfig } from './flow-config.ts';
import type { FlowPath } from './model.ts';

export interface FlowRun {
  path: FlowPath;
  attributes: Record<string, string>;
  status?: number;
  error?: string;
}

export async function runDataAction(config: FlowConfig, phoneNumber: string): Promise<FlowRun> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
    ...config.headers,
  };
  if (config.auth.type === 'basic')
    headers.authorization = `Basic ${Buffer.from(`${config.auth.username}:${config.auth.password}`).toString('base64')}`;
  if (config.auth.type === 'header') headers[config.auth.name.toLowerCase()] = config.auth.value;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, config.timeoutSeconds * 1000);
  try {
    const res = await fetch(config.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ phoneNumber }),
      signal: controller.signal,
    });
    const text = await res.text();
    if (!res.ok)
      return {
        path: 'failure',
        attributes: attributesFromOutput(config, 'failure', undefined),
        status: res.status,
        error: `HTTP ${res.status}`,
      };
    let output: unknown;
    try {
      output = JSON.parse(text);
    } catch {
      return {
        path: 'failure',
        attributes: attributesFromOutput(config, 'failure', undefined),
        status: res.status,
        error: 'response is not JSON',
      };
    }
    return {
      path: 'success',
      attributes: attributesFromOutput(config, 'success', output),
      status: res.status,
    };
  } catch (err) {
    const path: FlowPath = timedOut ? 'timeout' : 'failure';
    const error = timedOut
      ? `no response within ${config.timeoutSeconds} s`
      : err instanceof Error
        ? err.message
        : String(err);
    return { path, attributes: attributesFromOutput(config, path, undefined), error };
  } finally {
    clearTimeout(timer);
  }
}
