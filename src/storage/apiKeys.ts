/**
 * API keys: `sp_<id>_<secret>`, the id (8 random bytes, hex) public and indexed, the secret 32 random bytes
 * (base64url). Only SHA-256 of the secret is stored. A slow password hash (bcrypt, argon2) defends low-entropy
 * passwords against guessing once the hashes leak; a 256-bit random secret cannot be guessed however fast the hash,
 * so a fast hash loses nothing and keeps every authenticated request cheap.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** read < write < admin: a key may do what its scope or a lower one allows. */
export function scopeAllows(granted: Scope, needed: Scope): boolean {
  return SCOPES.indexOf(granted) >= SCOPES.indexOf(needed);
}

export const KEY_PATTERN = /^sp_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
/** Anything that looks like a key, wherever it appears (a URL, a log line). */
export const KEY_LIKE = /sp_[0-9a-f]{16}_[A-Za-z0-9_-]{10,}/g;

export interface NewKey {
  readonly id: string;
  readonly token: string;
  readonly secretHash: string;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function generateKey(): NewKey {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `sp_${id}_${secret}`, secretHash: hashSecret(secret) };
}

/** The id and secret of a well-formed token; undefined for anything else. */
export function parseKey(token: string): { id: string; secret: string } | undefined {
  const match = KEY_PATTERN.exec(token);
  if (match === null) return undefined;
  return { id: match[1] as string, secret: match[2] as string };
}

/** Compares the secret's hash with the stored one in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const actual = createHash('sha256').update(secret).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
