import { z } from 'zod';
import { errorStatuses, Problem, type ResponseContent, type Route } from './contract.ts';

type Json = Record<string, unknown>;
type Io = 'input' | 'output';

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted: still running; poll the resource or follow the stream',
  400: 'The request is not valid: `errors` lists every problem by path',
  401: 'Sign in first: no or an invalid bearer token',
  403: "Forbidden: not your resource, or a request from another site (its Origin or Host is not the platform's)",
  404: 'Not found (another user’s resource is indistinguishable from a missing one)',
  405: 'Method not allowed on this path',
  409: 'Conflict: based on a stale version, or in a state that does not allow it',
  413: 'The request is too large',
  415: 'The body is not `application/json`',
  422: 'A number is outside its bounds (`out-of-range`: negative, zero where it matters, beyond the schema’s maximum), or a tool setting would widen the agent’s IAM permissions (`permission-widening`: a wildcard, another service’s ARN, a name AWS would not accept): `errors` names each field',
  429: 'Too many requests: wait for `Retry-After` seconds',
  500: 'Something went wrong on our side; quote the traceId',
  502: 'An upstream service failed',
  503: 'Temporarily unavailable: try again after `Retry-After` seconds',
};

const INPUT = '~input';

/**
 * Turns zod schemas into OpenAPI 3.1 schema objects (JSON Schema 2020-12). The named schemas become
 * shared components referenced by `$ref`; where one reads differently as input (defaults make fields
 * optional) its input form is a component of its own, `<Name>Input`.
 */
class SchemaCollector {
  private readonly found: Record<Io, Record<string, Json>> = { input: {}, output: {} };
  // A registry of this document only: no global state, so a module evaluated twice cannot clash.
  private readonly names = z.registry<{ id: string }>();

  constructor(named: Record<string, z.ZodType>) {
    for (const [id, schema] of Object.entries(named)) this.names.add(schema, { id });
  }

  schema(schema: z.ZodType, io: Io): Json {
    const json = z.toJSONSchema(schema, {
      io,
      target: 'draft-2020-12',
      unrepresentable: 'any',
      metadata: this.names,
    }) as Json;
    const defs = (json.$defs ?? {}) as Record<string, Json>;
    delete json.$defs;
    delete json.$schema;
    const suffix = io === 'input' ? INPUT : '';
    const rewrite = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(rewrite);
      if (value && typeof value === 'object') {
        return Object.fromEntries(
          Object.entries(value).map(([k, v]) =>
            k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')
              ? [k, `#/components/schemas/${v.slice('#/$defs/'.length)}${suffix}`]
              : [k, rewrite(v)],
          ),
        );
      }
      return value;
    };
    for (const [name, def] of Object.entries(defs)) this.found[io][name] = rewrite(def) as Json;
    return rewrite(json) as Json;
  }

  /** The document with every component named: one per schema, two where input and output differ. */
  finish(document: Json, components: (schemas: Record<string, Json>) => void): Json {
    const schemas: Record<string, Json> = { ...this.found.output };
    const rename = new Map<string, string>();
    for (const [name, def] of Object.entries(this.found.input)) {
      const output = this.found.output[name];
      const same =
        output !== undefined && JSON.stringify(output) === JSON.stringify(def).replaceAll(INPUT, '');
      rename.set(`${name}${INPUT}`, same ? name : output === undefined ? name : `${name}Input`);
      if (!same) schemas[output === undefined ? name : `${name}Input`] = def;
    }
    components(schemas);
    const text = JSON.stringify(document).replace(
      /#\/components\/schemas\/([^"]+?~input)"/g,
      (_, key: string) => `#/components/schemas/${rename.get(key) ?? key.replace(INPUT, '')}"`,
    );
    return JSON.parse(text) as Json;
  }
}

function parameters(route: Route, collect: SchemaCollector): Json[] {
  const list: Json[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (!schema) continue;
    const json = collect.schema(schema, 'input') as {
      properties?: Record<string, Json>;
      required?: string[];
    };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      const { description, ...rest } = property;
      list.push({
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        ...(typeof description === 'string' ? { description } : {}),
        schema: rest,
      });
    }
  }
  return list;
}

function content(response: ResponseContent, collect: SchemaCollector): Json {
  if (response instanceof z.ZodType)
    return { 'application/json': { schema: collect.schema(response, 'output') } };
  const mediaType = response.mediaType.split(';')[0] ?? response.mediaType;
  return {
    [mediaType]: {
      schema: response.binary
        ? { type: 'string', contentMediaType: mediaType, contentEncoding: 'binary' }
        : { type: 'string' },
    },
  };
}

/**
 * The API as an OpenAPI 3.1 document, generated from the route table: every parameter, body and
 * response (each success status with its schema, each problem status with the Problem schema).
 * `named` schemas (and Problem) are shared components.
 */
export function openApiDocument(routes: readonly Route[], named: Record<string, z.ZodType> = {}): Json {
  const collect = new SchemaCollector({ Problem, ...named });
  const problem = collect.schema(Problem, 'output');
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const path = route.path.replace('{path+}', '{path}');
    paths[path] ??= {};
    const responses: Json = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description:
          response instanceof z.ZodType ? (STATUS_TEXT[Number(status)] ?? 'OK') : response.description,
        content: content(response, collect),
      };
    }
    for (const status of errorStatuses(route)) {
      responses[String(status)] = {
        description: STATUS_TEXT[status] ?? 'Problem',
        ...(status === 429 ? { headers: { 'Retry-After': { schema: { type: 'integer' } } } } : {}),
        content: { 'application/problem+json': { schema: problem } },
      };
    }
    const body = route.body;
    (paths[path] as Json)[route.method.toLowerCase()] = {
      operationId: route.id,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.feature],
      security: route.auth ? [{ bearer: [] }] : [],
      parameters: parameters(route, collect),
      ...(body
        ? {
            requestBody: {
              required: !body.safeParse(undefined).success,
              content: { 'application/json': { schema: collect.schema(body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  const document: Json = {
    openapi: '3.1.0',
    info: {
      title: 'Agent Builder Platform API',
      version: '0.1.0',
      description:
        'Models, tools, sessions, code generation, cost estimates and test runs for Strands agents. Every error is `application/problem+json`; switch on its `type`.',
    },
    servers: [{ url: '/' }],
    tags: [...new Set(routes.map((r) => r.feature))].map((name) => ({ name })),
    paths,
    components: {
      schemas: {},
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
  return collect.finish(document, (schemas) => {
    (document.components as Json).schemas = schemas;
  });
}
