import type { AgentSpec } from '../agent-spec/schema.ts';
import type { FieldProblem } from '../core/errors.ts';
import type { ModelInfo } from '../models/schema.ts';
import type { DependencySet } from '../tools/dependencies.ts';
import type { EnvVar, ToolImplementation, ToolInfo } from '../tools/schema.ts';

// The types every part of generation shares. This module imports nothing from generate/ so that the
// languages, the deployment targets and IAM can all depend on it without depending on each other.

/** A package and the version range the generated project asks for. */
export interface PackageRange {
  name: string;
  range: string;
}

/** A generated project: files by path, and what a caller needs to know about them. */
export interface GeneratedProject {
  files: Record<string, string>;
  metadata: {
    name: string;
    language: AgentSpec['language'];
    files: string[];
    dependencies: PackageRange[];
    devDependencies: PackageRange[];
    /** npm packages of the infra/ CDK app. */
    infraDependencies: PackageRange[];
    warnings: FieldProblem[];
    /** sha256 of the canonical spec; with the templates' version it is the cache key. */
    specHash: string;
    templatesVersion: string;
  };
}

/** Everything the templates of both languages see. Built once per generation. */
export interface ProjectContext {
  spec: AgentSpec;
  projectName: string;
  pythonPackage: string;
  model: ModelInfo & { invocationId: string; invocationNote: string; defaultMaxTokens: number };
  tools: ToolContext[];
  /** Whether a tool is an MCP server: its connection is opened once and closed on shutdown. */
  hasMcp: boolean;
  /** The agent has the AgentCore Memory tool: its conversations may be kept there too (Python). */
  hasAgentCoreMemory: boolean;
  env: TestableEnvVar[];
  requiredEnv: TestableEnvVar[];
  secretNames: string[];
  /** Keys the deployed agent fetches from AgentCore Identity API key providers, per request. */
  apiKeyProviders: { name: string; provider: string }[];
  /** Keys the tools read per call (through `credential`), so AgentCore Identity may provide them. */
  keysPerCall: string[];
  deployment: AgentSpec['deployment'] & { platform: 'linux/arm64' | 'linux/amd64'; runtimeName: string };
  /** CDK stack id of the infra/ app. */
  stackId: string;
  fargate: { cpu: number; memory: number };
  lambdaMemory: number;
  limits: { maxInputChars: number };
  dependencies: DependencySet;
}

/** An environment variable, with the placeholder the generated tests set it to. */
export type TestableEnvVar = EnvVar & { testValue: string };

/** One selected tool as its templates see it. */
export interface ToolContext {
  id: string;
  name: string;
  description: string;
  /** How a builder would ask for it (the registry's example), for the starter evaluation suite. */
  example: string;
  kind: ToolImplementation['kind'];
  module: string;
  importSymbol: string;
  /** The module file name without extension (kebab-case for TypeScript, snake_case for Python). */
  file: string;
  pyFile: string;
  /** The function that builds the tool: `createCalculatorTool` / `create_calculator_tool`. */
  factory: string;
  pyFactory: string;
  settings: Record<string, unknown>;
  mcp?: ToolImplementation['mcp'];
  /** Built for each session with its id (the tool keeps a user's data), never shared between sessions. */
  perSession: boolean;
  /** MCP launch arguments as TypeScript / Python literals, placeholders filled from the settings. */
  mcpArgs: string[];
  mcpPyArgs: string[];
  /** Template used for this tool's module. */
  template: string;
  /** IAM statements the tool needs, from the tool registry. */
  iam: ToolInfo['iam'];
}

/** A file to write: rendered from a template (with the project context, or a narrower one), or given. */
export type PlannedFile =
  | { path: string; template: string; context?: object }
  | { path: string; content: string };

/** What a language contributes: its files and the packages they need. */
export interface ProjectPlan {
  files: PlannedFile[];
  dependencies: PackageRange[];
  devDependencies: PackageRange[];
}
