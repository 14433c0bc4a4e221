/**
 * How requests name a profile, and how responses say which one they used. Kept apart from src/api/profiles.ts
 * (which imports the fits schemas, which import the plan schemas) so the plan, target and evaluate schemas can take a
 * `profile` without an import cycle.
 */
import { z } from 'zod';

/** Letters, digits, '.', '_' and '-', starting with a letter or digit: safe in a URL path, no '@' (the version mark). */
export const PROFILE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const PROFILE_REFERENCE_PATTERN = /^([A-Za-z0-9][A-Za-z0-9._-]{0,63})(?:@([1-9][0-9]{0,8}))?$/;

export const ProfileNameSchema = z
  .string()
  .regex(
    PROFILE_NAME_PATTERN,
    'must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
  )
  .describe("The profile's name, unique within your team.");

export const ProfileReferenceSchema = z
  .string()
  .regex(PROFILE_REFERENCE_PATTERN, 'must be a profile name, or name@version (e.g. "vision@3")')
  .describe(
    "Plan with one of your team's profiles instead of the paper's JFT loss surface: its name (the latest version) or name@version. Needs an API key with scope read.",
  );

export const ProfileUsedSchema = z
  .object({
    name: z.string(),
    version: z.number().int().min(1).max(999_999_999),
    lossLawId: z.string().describe('The id of the fitted law the version holds.'),
  })
  .describe('The profile version whose fitted loss surface made the predictions.');

export interface ProfileUsed {
  readonly name: string;
  readonly version: number;
  readonly lossLawId: string;
}

/** The name and the version (undefined: the latest) of a reference the schema accepted. */
export function parseProfileReference(reference: string): { name: string; version: number | undefined } {
  const match = PROFILE_REFERENCE_PATTERN.exec(reference);
  if (match === null) throw new Error(`not a profile reference: ${reference}`);
  return { name: match[1] as string, version: match[2] === undefined ? undefined : Number(match[2]) };
}

/** An id the API generated (a random UUID), as a plain pattern, so the document carries no `format` to interpret. */
export const IdSchema = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be an id this API returned');
