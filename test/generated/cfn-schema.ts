import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';

/**
 * Validates CloudFormation templates against the official resource schemas shipped in
 * @aws-cdk/aws-service-spec (the database the AWS CDK generates its L1 constructs from): every
 * resource type exists, required properties are present, no property is unknown — at every level of
 * nested property types — and GetAtt attributes, Refs and Fn::Sub variables resolve.
 */
type Db = Awaited<ReturnType<typeof loadAwsServiceSpec>>;
interface PropertyType {
  type: string;
  element?: PropertyType;
  reference?: { $ref: string };
  types?: PropertyType[];
}
interface Property {
  type: PropertyType;
  required?: boolean;
}

let db: Db | undefined;
async function database(): Promise<Db> {
  db ??= await loadAwsServiceSpec();
  return db;
}

const RESOURCE_KEYS = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Metadata',
  'CreationPolicy',
  'UpdatePolicy',
]);
const PSEUDO = new Set([
  'AWS::AccountId',
  'AWS::Region',
  'AWS::Partition',
  'AWS::StackName',
  'AWS::StackId',
  'AWS::URLSuffix',
  'AWS::NoValue',
  'AWS::NotificationARNs',
]);

const isIntrinsic = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).length === 1 &&
  /^(Ref|Fn::|Condition)/.test(Object.keys(value)[0] ?? '');

export async function validateTemplate(template: Record<string, unknown>): Promise<string[]> {
  const spec = await database();
  const problems: string[] = [];
  const resources = (template.Resources ?? {}) as Record<string, Record<string, unknown>>;
  const parameters = Object.keys((template.Parameters ?? {}) as object);
  const names = new Set([...parameters, ...Object.keys(resources), ...PSEUDO]);
  const resourceTypes = new Map<string, { attributes: Record<string, unknown> }>();

  const checkValue = (value: unknown, type: PropertyType, path: string): void => {
    if (value === undefined || value === null || isIntrinsic(value)) return;
    if (type.type === 'ref' && type.reference) {
      if (typeof value !== 'object' || Array.isArray(value))
        return void problems.push(`${path}: expected an object`);
      const definition = spec.get('typeDefinition', type.reference.$ref) as {
        properties: Record<string, Property>;
      };
      checkProperties(value as Record<string, unknown>, definition.properties, path);
    } else if (type.type === 'array' && type.element) {
      if (!Array.isArray(value)) return void problems.push(`${path}: expected a list`);
      for (const [index, item] of value.entries()) checkValue(item, type.element, `${path}[${index}]`);
    } else if (type.type === 'map' && type.element) {
      if (typeof value !== 'object' || Array.isArray(value))
        return void problems.push(`${path}: expected a map`);
      for (const [key, item] of Object.entries(value)) checkValue(item, type.element, `${path}.${key}`);
    } else if (type.type === 'union' && type.types) {
      // One of several shapes: accept when any of them fits.
      const before = problems.length;
      const fits = type.types.some((candidate) => {
        const mark = problems.length;
        checkValue(value, candidate, path);
        const ok = problems.length === mark;
        problems.length = mark;
        return ok;
      });
      problems.length = before;
      if (!fits) problems.push(`${path}: matches none of its allowed shapes`);
    }
  };

  const checkProperties = (
    values: Record<string, unknown>,
    properties: Record<string, Property>,
    path: string,
  ): void => {
    for (const [name, property] of Object.entries(properties)) {
      if (property.required && values[name] === undefined)
        problems.push(`${path}.${name}: required property missing`);
    }
    for (const [name, value] of Object.entries(values)) {
      const property = properties[name];
      if (!property) problems.push(`${path}.${name}: unknown property`);
      else checkValue(value, property.type, `${path}.${name}`);
    }
  };

  for (const [logicalId, resource] of Object.entries(resources)) {
    const type = String(resource.Type);
    const found = spec.lookup('resource', 'cloudFormationType', 'equals', type);
    const definition = [...found][0] as
      | { properties: Record<string, Property>; attributes: Record<string, unknown> }
      | undefined;
    if (!definition) {
      problems.push(`${logicalId}: unknown resource type ${type}`);
      continue;
    }
    resourceTypes.set(logicalId, definition);
    for (const key of Object.keys(resource))
      if (!RESOURCE_KEYS.has(key)) problems.push(`${logicalId}.${key}: not a resource attribute`);
    checkProperties((resource.Properties ?? {}) as Record<string, unknown>, definition.properties, logicalId);
  }

  // References: Ref and GetAtt targets, and every ${Name} or ${Resource.Attribute} in Fn::Sub.
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) visit(item, `${path}[${index}]`);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'Ref' && typeof value === 'string' && !names.has(value))
        problems.push(`${path}: Ref to unknown ${value}`);
      if (key === 'Fn::GetAtt' && Array.isArray(value)) {
        const [resource, attribute] = value as [string, string];
        const definition = resourceTypes.get(resource);
        if (!definition) problems.push(`${path}: GetAtt of unknown resource ${resource}`);
        else if (!(attribute in definition.attributes))
          problems.push(`${path}: ${resource} has no attribute ${attribute}`);
      }
      if (key === 'Fn::Sub' && typeof value === 'string') {
        for (const match of value.matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const [name, attribute] = (match[1] ?? '').split('.');
          if (!names.has(name ?? ''))
            problems.push(`${path}: Fn::Sub variable \${${match[1]}} is not defined`);
          else if (attribute && !(attribute in (resourceTypes.get(name ?? '')?.attributes ?? {})))
            problems.push(`${path}: ${name} has no attribute ${attribute}`);
        }
      }
      visit(value, `${path}.${key}`);
    }
  };
  visit(template.Resources, 'Resources');
  visit(template.Outputs, 'Outputs');
  return problems;
}
