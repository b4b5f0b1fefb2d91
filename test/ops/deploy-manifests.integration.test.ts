/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML documents, read field by field */
/**
 * The deployment files in deploy/ cannot run here, so they are checked as text: every environment
 * variable they set must be a setting of the config schema (a typo would be silently ignored at
 * runtime), and the probes, user and base image must be what docs/deploy.md promises.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
// `yaml` comes with @fastify/swagger (a runtime dependency); it handles compose's anchors and merge keys.
import { parse as parseYaml } from 'yaml';
import { settingList } from '../../src/platform/config/schema.ts';

const deploy = join(import.meta.dirname, '..', '..', 'deploy');
const read = (p: string) => readFileSync(join(deploy, p), 'utf8');
const yamlFile = (p: string) => parseYaml(read(p), { merge: true }) as Record<string, unknown>;
const known = new Set<string>(settingList.map((s) => s.env));
/** Set by the files but read by Node itself, not by Patchbay. */
const runtimeVariables = new Set(['NODE_ENV']);

function assertKnown(where: string, names: Iterable<string>): void {
  const list = [...names];
  assert.ok(list.length > 0, `${where} sets no variables: the parser missed them`);
  const unknown = list.filter((n) => !known.has(n) && !runtimeVariables.has(n));
  assert.deepEqual(unknown, [], `${where} sets variables that are not in src/platform/config/schema.ts`);
}

/** `KEY=value` lines of an env file (comments and blanks skipped). */
function envFileKeys(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.slice(0, l.indexOf('=')));
}

test('Dockerfile: Node 24 slim base, non-root, /healthz healthcheck, known ENV only', () => {
  const text = read('Dockerfile');
  const joined = text.replace(/\\\n/g, ' ');
  const envs = [...joined.matchAll(/^ENV\s+(.+)$/gm)].flatMap((m) =>
    [...(m[1] ?? '').matchAll(/([A-Z_][A-Z0-9_]*)=/g)].map((x) => x[1] as string),
  );
  assertKnown('Dockerfile', envs);
  assert.match(text, /^FROM node:24-slim$/m);
  assert.match(text, /^USER node$/m);
  assert.match(text, /npm ci --omit=dev/);
  assert.match(joined, /^HEALTHCHECK .*\/healthz/m);
});

test('docker-compose.yml: two hubs on PostgreSQL, known variables only', () => {
  const compose = yamlFile('docker-compose.yml') as { services: Record<string, Record<string, unknown>> };
  const hubs = Object.entries(compose.services).filter(([, s]) => s.image === 'patchbay:0.1.0');
  assert.equal(hubs.length, 2);
  assert.ok(compose.services.postgres);
  for (const [name, s] of hubs) {
    assertKnown(`docker-compose.yml ${name}`, Object.keys(s.environment as Record<string, string>));
    assert.deepEqual(s.env_file, ['patchbay.env']);
  }
  assertKnown('patchbay.env.example', envFileKeys(read('patchbay.env.example')));
});

test('systemd unit: known Environment= variables only', () => {
  const text = read('systemd/patchbay.service');
  assertKnown(
    'patchbay.service',
    [...text.matchAll(/^Environment=([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1] as string),
  );
  assert.match(text, /^User=patchbay$/m);
  assert.match(text, /^ExecStart=.*bin\/patchbay\.js serve$/m);
});

test('Kubernetes: probes on /readyz and /healthz, PDB, Secret by reference, known variables only', () => {
  const kustomization = yamlFile('kubernetes/kustomization.yaml') as { resources: string[] };
  for (const r of kustomization.resources) assert.ok(existsSync(join(deploy, 'kubernetes', r)), r);

  const deployment = yamlFile('kubernetes/deployment.yaml') as any;
  const container = deployment.spec.template.spec.containers[0];
  assertKnown(
    'deployment.yaml env',
    (container.env as Array<{ name: string }>).map((e) => e.name),
  );
  assert.equal(container.readinessProbe.httpGet.path, '/readyz');
  assert.equal(container.livenessProbe.httpGet.path, '/healthz');
  assert.equal(deployment.spec.template.spec.securityContext.runAsNonRoot, true);
  const refs = container.envFrom as Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  const configMap = yamlFile('kubernetes/configmap.yaml') as any;
  const secret = yamlFile('kubernetes/secret.example.yaml') as any;
  assert.ok(refs.some((r) => r.configMapRef?.name === configMap.metadata.name));
  assert.ok(refs.some((r) => r.secretRef?.name === secret.metadata.name));
  assert.ok(!kustomization.resources.includes('secret.example.yaml'), 'the example Secret is not applied');
  assertKnown('configmap.yaml', Object.keys(configMap.data));
  assertKnown('secret.example.yaml', Object.keys(secret.stringData));
  const secrets = new Set<string>(settingList.filter((s) => s.secret === true).map((s) => s.env));
  assert.deepEqual(
    Object.keys(configMap.data).filter((k) => secrets.has(k)),
    [],
    'secret settings belong in the Secret, not the ConfigMap',
  );

  const pdb = yamlFile('kubernetes/pdb.yaml') as any;
  assert.equal(pdb.kind, 'PodDisruptionBudget');
  assert.deepEqual(pdb.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
  const service = yamlFile('kubernetes/service.yaml') as any;
  assert.deepEqual(service.spec.selector, deployment.spec.selector.matchLabels);
});
