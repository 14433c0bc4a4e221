/**
 * deploy/kubernetes: the manifests parsed as YAML and checked against each other and against the app. Oracles: the
 * Kubernetes API's own rules (selectors must match pod labels, a named targetPort must name a container port, env values
 * must be strings, requests may not exceed limits, an HPA on CPU utilisation divides by CPU requests, the kubelet can
 * verify runAsNonRoot only against a numeric uid); the app itself (probe paths must be routes answering 200, every env var
 * must be one loadConfig reads and accepts); the Dockerfile (EXPOSE), the READMEs (the image they say to build) and
 * package.json (the version the image is tagged with).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ConfigError, loadConfig } from '../../src/config.js';
import { buildTestApp } from '../http/helpers.js';

const ROOT = new URL('../../', import.meta.url);
const DEPLOY_DIR = new URL('deploy/kubernetes/', ROOT);
const read = (url: URL) => readFileSync(url, 'utf8');

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field below, not typed up front.
  spec: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above; kustomization.yaml keeps its fields at the top level.
  [field: string]: any;
}

const yamlFiles = readdirSync(DEPLOY_DIR).filter((name) => /\.ya?ml$/.test(name));

function parseFile(name: string): Manifest[] {
  return parseAllDocuments(read(new URL(name, DEPLOY_DIR))).map((document) => {
    if (document.errors.length > 0) throw new Error(`${name}: ${document.errors.join('; ')}`);
    return document.toJS() as Manifest;
  });
}

const manifestsByFile = new Map(yamlFiles.map((name) => [name, parseFile(name)]));
const manifests = [...manifestsByFile.values()].flat();

function only(kind: string): Manifest {
  const found = manifests.filter((manifest) => manifest.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0] as Manifest;
}

const deployment = only('Deployment');
const service = only('Service');
const hpa = only('HorizontalPodAutoscaler');
const pdb = only('PodDisruptionBudget');
const kustomization = only('Kustomization');
const podTemplate = deployment.spec.template;
const containers: Manifest[] = podTemplate.spec.containers;
const api = containers[0] as Manifest;

interface EnvVar {
  name: string;
  value?: unknown;
  valueFrom?: unknown;
}
const envVars: EnvVar[] = api.env ?? [];
const env = Object.fromEntries(envVars.map(({ name, value }) => [name, value as string]));

/** matchLabels selects a pod when every selector label is on the pod with the same value. */
function selects(matchLabels: Record<string, string>, podLabels: Record<string, string>): boolean {
  return Object.entries(matchLabels).every(([key, value]) => podLabels[key] === value);
}

/** Kubernetes quantities as used here: CPU in cores ("500m", "1"), memory in bytes ("256Mi", "1Gi"). */
function quantity(text: string | number): number {
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|k|M|G)?$/.exec(String(text));
  if (!match) throw new Error(`unsupported quantity ${text}`);
  const factor =
    { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, k: 1e3, M: 1e6, G: 1e9 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * factor;
}

/** A probe's or targetPort's port, by number or by container port name. */
function containerPortNumber(port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  return (api.ports as { name?: string; containerPort: number }[]).find(({ name }) => name === port)
    ?.containerPort;
}

describe('the files', () => {
  it('hold every kind the brief asks for, each once, and kustomization.yaml lists every other file', () => {
    expect(manifests.map(({ kind }) => kind).sort()).toEqual(
      ['Deployment', 'HorizontalPodAutoscaler', 'Kustomization', 'PodDisruptionBudget', 'Service'].sort(),
    );
    expect([...kustomization.resources].sort()).toEqual(
      yamlFiles.filter((name) => name !== 'kustomization.yaml').sort(),
    );
  });

  it('use the stable API versions', () => {
    expect(deployment.apiVersion).toBe('apps/v1');
    expect(service.apiVersion).toBe('v1');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(pdb.apiVersion).toBe('policy/v1');
  });
});

describe('labels and selectors', () => {
  const podLabels: Record<string, string> = podTemplate.metadata.labels;

  it('the Deployment selects its own pod template', () => {
    expect(Object.keys(deployment.spec.selector.matchLabels).length).toBeGreaterThan(0);
    expect(selects(deployment.spec.selector.matchLabels, podLabels)).toBe(true);
  });

  it('the Service, the PDB and the spread constraints select those pods', () => {
    expect(selects(service.spec.selector, podLabels)).toBe(true);
    expect(selects(pdb.spec.selector.matchLabels, podLabels)).toBe(true);
    for (const constraint of podTemplate.spec.topologySpreadConstraints ?? []) {
      expect(selects(constraint.labelSelector.matchLabels, podLabels)).toBe(true);
    }
  });

  it('the Service targets a named container port, from port 80', () => {
    expect(service.spec.type).toBe('ClusterIP');
    const [port] = service.spec.ports;
    expect(port.port).toBe(80);
    expect(typeof port.targetPort).toBe('string');
    expect(containerPortNumber(port.targetPort)).toBeDefined();
  });
});

describe('ports', () => {
  it('the container listens where the app does by default, where the Deployment env says, and where the image EXPOSEs', () => {
    const http = (api.ports as { name: string; containerPort: number }[]).find(({ name }) => name === 'http');
    expect(http?.containerPort).toBe(loadConfig({}).port);
    expect(http?.containerPort).toBe(loadConfig(env).port);
    const exposed = /^EXPOSE\s+(\d+)/m.exec(read(new URL('Dockerfile', ROOT)))?.[1];
    expect(Number(exposed)).toBe(http?.containerPort);
  });
});

describe('probes', () => {
  const probes = ['startupProbe', 'livenessProbe', 'readinessProbe']
    .filter((kind) => api[kind] !== undefined)
    .map((kind) => ({ kind, path: api[kind].httpGet.path as string, port: api[kind].httpGet.port }));

  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
    await app.ready();
  });
  afterAll(async () => app?.close());

  it('liveness and readiness are both there, on different routes', () => {
    const paths = new Map(probes.map(({ kind, path }) => [kind, path]));
    expect(paths.get('livenessProbe')).toBe('/healthz');
    expect(paths.get('readinessProbe')).toBe('/readyz');
  });

  it.each(probes)('$kind GET $path is a route of the app answering 200 once ready', async ({ path }) => {
    expect(app.hasRoute({ method: 'GET', url: path })).toBe(true);
    const response = await app.inject({ method: 'GET', url: path });
    expect(response.statusCode, response.body).toBe(200);
  });

  it.each(probes)('$kind checks the container port', ({ port }) => {
    expect(containerPortNumber(port)).toBe(loadConfig(env).port);
  });
});

describe('environment', () => {
  it('every value is a literal string, as the Kubernetes API requires', () => {
    for (const variable of envVars) {
      expect(variable.valueFrom, variable.name).toBeUndefined();
      expect(typeof variable.value, variable.name).toBe('string');
    }
    expect(new Set(envVars.map(({ name }) => name)).size).toBe(envVars.length);
  });

  it('loadConfig accepts the whole set', () => {
    expect(() => loadConfig(env)).not.toThrow();
  });

  /**
   * loadConfig silently ignores names it does not know, so a misspelt variable would do nothing. A name is read when
   * replacing its value with garbage either fails naming that variable or changes the resulting configuration.
   */
  function isRead(name: string): boolean {
    const baseline = loadConfig(env);
    try {
      return !isDeepEqual(loadConfig({ ...env, [name]: 'garbled ⁉' }), baseline);
    } catch (error) {
      return error instanceof ConfigError && error.variable === name;
    }
  }
  const isDeepEqual = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

  it('the check tells an ignored name from a read one', () => {
    expect(isRead('SCALEPLAN_NOT_A_VARIABLE')).toBe(false);
    expect(isRead('NODE_ENV')).toBe(false);
    expect(isRead('HOST')).toBe(true);
  });

  it.each(envVars.map(({ name }) => name))('%s is read by loadConfig and documented in README.md', (name) => {
    expect(isRead(name)).toBe(true);
    const configurationSection = read(new URL('README.md', ROOT)).split(/^## Configuration$/m)[1] ?? '';
    expect(configurationSection).toContain(`\`${name}\``);
  });

  it('keeps idle connections open longer than a 60 s load-balancer idle timeout (AWS, ingress-nginx default)', () => {
    expect(loadConfig(env).keepAliveTimeoutMs).toBeGreaterThan(60_000);
  });
});

describe('scaling', () => {
  it('the HPA scales the Deployment on CPU utilisation, from at least 2 replicas', () => {
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: deployment.apiVersion,
      kind: 'Deployment',
      name: deployment.metadata.name,
    });
    const cpu = hpa.spec.metrics.find(
      (metric: { type: string; resource?: { name: string } }) =>
        metric.type === 'Resource' && metric.resource?.name === 'cpu',
    );
    expect(cpu.resource.target.type).toBe('Utilization');
    expect(cpu.resource.target.averageUtilization).toBeGreaterThan(0);
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
  });

  it('the Deployment leaves the replica count to the HPA', () => {
    // A count here would be reapplied by every `kubectl apply`, undoing the HPA's scaling.
    expect(deployment.spec.replicas).toBeUndefined();
  });

  it('every container requests CPU (utilisation is usage over request) and has limits no lower than its requests', () => {
    for (const container of containers) {
      const { requests, limits } = container.resources;
      for (const resource of ['cpu', 'memory']) {
        expect(requests[resource], `${container.name} requests.${resource}`).toBeDefined();
        expect(limits[resource], `${container.name} limits.${resource}`).toBeDefined();
        expect(quantity(requests[resource])).toBeLessThanOrEqual(quantity(limits[resource]));
      }
    }
  });

  it('the PDB allows a disruption at the HPA minimum, so node drains are not blocked', () => {
    const { minAvailable, maxUnavailable } = pdb.spec;
    expect((minAvailable === undefined) !== (maxUnavailable === undefined)).toBe(true);
    if (maxUnavailable !== undefined) expect(maxUnavailable).toBeGreaterThanOrEqual(1);
    else expect(minAvailable).toBeLessThan(hpa.spec.minReplicas);
  });

  it('a rolling update never takes a pod away before its replacement is ready', () => {
    expect(deployment.spec.strategy.type).toBe('RollingUpdate');
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });
});

describe('shutdown', () => {
  it('the kubelet waits longer than the preStop sleep plus the app grace period before SIGKILL', () => {
    const command: string[] = api.lifecycle.preStop.exec.command;
    expect(command[0]).toBe('sleep');
    const preStopSeconds = Number(command[1]);
    expect(preStopSeconds).toBeGreaterThan(0);
    const graceSeconds = loadConfig(env).shutdownGraceMs / 1000;
    expect(podTemplate.spec.terminationGracePeriodSeconds).toBeGreaterThan(preStopSeconds + graceSeconds);
  });
});

describe('security', () => {
  it('runs as a numeric non-root user, read-only, without privilege escalation or capabilities', () => {
    const pod = podTemplate.spec.securityContext;
    expect(pod.runAsNonRoot).toBe(true);
    // The Dockerfile's `USER node` is a name, which the kubelet cannot check against runAsNonRoot.
    expect(/^USER\s+node$/m.test(read(new URL('Dockerfile', ROOT)))).toBe(true);
    expect(Number.isInteger(pod.runAsUser) && pod.runAsUser > 0).toBe(true);
    for (const container of containers) {
      const context = container.securityContext;
      expect(context.readOnlyRootFilesystem).toBe(true);
      expect(context.allowPrivilegeEscalation).toBe(false);
      expect(context.capabilities.drop).toContain('ALL');
    }
  });
});

describe('image', () => {
  it('is the one the READMEs say to build, tagged with the package version', () => {
    const image: string = api.image;
    const [repository, tag] = image.split(':');
    const version = JSON.parse(read(new URL('package.json', ROOT))).version;
    expect(tag).toBe(version);
    const builtByRootReadme = /docker build -t ([^\s:]+)/.exec(read(new URL('README.md', ROOT)))?.[1];
    expect(repository).toBe(builtByRootReadme);
    const builtByDeployReadme = /docker build -t (\S+)/.exec(read(new URL('README.md', DEPLOY_DIR)))?.[1];
    expect(builtByDeployReadme).toBe(image);
  });
});
