/**
 * The example requests an OpenAPI document holds, read back from the document itself: for each operation answering
 * JSON with 200, taking no path parameter and needing no API key, its request body example and its query parameters'
 * examples. (An operation on a team's data needs a key and a database row: its examples are written with it.) Used by
 * `npm run openapi:write` (to store each answer as the operation's response example) and by the test that checks the
 * stored examples against live answers (tests/http/examples.test.ts).
 */

interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly example?: unknown;
  readonly schema?: { readonly examples?: readonly unknown[] };
}

interface MediaType {
  readonly schema?: { readonly examples?: readonly unknown[] };
  readonly example?: unknown;
  readonly examples?: Record<string, { readonly value?: unknown }>;
}

/** A media type's example, in any of the forms OpenAPI 3.1 allows: example, examples{}, or the schema's examples[]. */
function mediaExample(media: MediaType | undefined): unknown {
  if (media === undefined) return undefined;
  if (media.example !== undefined) return media.example;
  const named = media.examples === undefined ? undefined : Object.values(media.examples)[0];
  return named?.value ?? media.schema?.examples?.[0];
}

interface Operation {
  readonly operationId?: string;
  readonly security?: readonly Record<string, readonly string[]>[];
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: {
    readonly content?: Record<string, { readonly schema?: { readonly examples?: unknown[] } }>;
  };
  readonly responses?: Record<
    string,
    {
      readonly content?: Record<
        string,
        {
          readonly schema?: { readonly examples?: unknown[] };
          readonly examples?: Record<string, { readonly value?: unknown }>;
        }
      >;
    }
  >;
}

export interface ExampleExchange {
  readonly operationId: string;
  readonly method: 'GET' | 'POST';
  /** Path and query string, URL-encoded. */
  readonly url: string;
  readonly payload?: unknown;
  /** The 200 example the document shows, if any. */
  readonly documented?: unknown;
}

/** The 200 example of an operation. */
function documentedExample(operation: Operation): unknown {
  return mediaExample(operation.responses?.['200']?.content?.['application/json']);
}

export function exampleExchanges(document: {
  paths?: Record<string, Record<string, Operation>>;
}): ExampleExchange[] {
  const exchanges: ExampleExchange[] = [];
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      if (method !== 'get' && method !== 'post') continue;
      if (operation.responses?.['200']?.content?.['application/json'] === undefined) continue;
      // A key is needed unless one of the security alternatives is the empty one.
      const security = operation.security ?? [];
      if (security.length > 0 && !security.some((alternative) => Object.keys(alternative).length === 0))
        continue;
      const parameters = operation.parameters ?? [];
      if (parameters.some((p) => p.in === 'path')) continue;
      const query = new URLSearchParams();
      let complete = true;
      for (const parameter of parameters.filter((p) => p.in === 'query')) {
        const example = parameter.example ?? parameter.schema?.examples?.[0];
        if (example !== undefined) query.set(parameter.name, String(example));
        else if (parameter.required) complete = false;
      }
      const body = mediaExample(operation.requestBody?.content?.['application/json']);
      if (!complete || (method === 'post' && body === undefined)) continue;
      const search = query.toString();
      exchanges.push({
        operationId: operation.operationId ?? `${method} ${path}`,
        method: method === 'get' ? 'GET' : 'POST',
        url: search === '' ? path : `${path}?${search}`,
        ...(body !== undefined && { payload: body }),
        ...(documentedExample(operation) !== undefined && { documented: documentedExample(operation) }),
      });
    }
  }
  return exchanges;
}
