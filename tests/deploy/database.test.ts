/**
 * deploy/kubernetes and the database: the pods get DATABASE_URL from a Secret (never a literal in the manifests), the
 * name the app reads, and the README says how to create it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/config.js';

const DEPLOY_DIR = new URL('../../deploy/kubernetes/', import.meta.url);
const deployment = parseAllDocuments(readFileSync(new URL('deployment.yaml', DEPLOY_DIR), 'utf8'))
  .map((document) => document.toJS())
  .find((manifest) => manifest.kind === 'Deployment');
const container = deployment.spec.template.spec.containers[0];

describe('the database configuration of the Deployment', () => {
  it('takes its variables from the Secret scaleplan-database, required', () => {
    expect(container.envFrom).toEqual([{ secretRef: { name: 'scaleplan-database', optional: false } }]);
    // No literal DATABASE_URL (a password in a manifest) anywhere in the manifests.
    expect(JSON.stringify(container.env)).not.toContain('DATABASE_URL');
  });

  it('names the variable the app reads, and the README shows the Secret with it', () => {
    const url = 'postgres://scaleplan:secret@db:5432/scaleplan';
    expect(loadConfig({ DATABASE_URL: url }).storage.databaseUrl).toBe(url);
    const readme = readFileSync(new URL('README.md', DEPLOY_DIR), 'utf8');
    expect(readme).toMatch(/kubectl create secret generic scaleplan-database[\s\S]*DATABASE_URL=/);
  });
});
