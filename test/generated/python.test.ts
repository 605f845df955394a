import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { identitySpec, matrix, specWithTools } from './specs.ts';
import { generate, ROOT, run, scratchDir, writeProject } from './workspace.ts';

// Debian's Python with python3-fastapi, -pytest, -httpx, -boto3 and -simpleeval (installed by
// .ci/run and scripts/ensure-deps.mjs). `strands` itself cannot be installed offline, so the generated
// test suites run against the test double in test/generated/python-stubs: platform tests only.
const PYTHON = '/usr/bin/python3';
const STUBS = join(ROOT, 'test', 'generated', 'python-stubs');

/** A generated project's own pytest suite (or the given test files) against the test doubles: its output. */
async function pytest(dir: string, ...files: string[]): Promise<string> {
  const { stdout } = await run(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', ...files], {
    cwd: dir,
    env: { ...process.env, PYTHONPATH: `${STUBS}:${dir}`, PYTHONDONTWRITEBYTECODE: '1' },
  }).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
  return stdout;
}
const entries = matrix('python');
const MCP_SPEC_SETTINGS: Record<string, Record<string, string>> = {
  mcp_git: { repository: '/srv/not-a-repository' },
  mcp_remote: { url: 'https://mcp.example.com/mcp' },
  s3_objects: { bucket: 'example-bucket' },
};
const workspace = scratchDir('py-matrix');

beforeAll(async () => {
  for (const [index, entry] of entries.entries())
    writeProject(join(workspace, `p${index}`), await generate(entry.spec));
}, 120_000);

describe('generated Python projects', () => {
  it('cover every Python tool, every model provider and every deployment target', () => {
    expect(entries.length).toBeGreaterThan(30);
    expect(entries.map((e) => e.label)).toEqual(
      expect.arrayContaining([
        'tool mcp_fetch',
        'tool code_interpreter',
        'provider ollama',
        'target lambda',
        'hostile text',
      ]),
    );
  });

  it('all compile: every .py file of the matrix (py_compile)', async () => {
    const script = [
      'import pathlib, py_compile, sys',
      'failures = []',
      'for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.py")):',
      '    try:',
      '        py_compile.compile(str(path), doraise=True)',
      '    except py_compile.PyCompileError as error:',
      '        failures.append(str(error))',
      'print("\\n".join(failures))',
      'sys.exit(1 if failures else 0)',
    ].join('\n');
    const { stdout } = await run(PYTHON, ['-c', script, workspace]).catch((error: { stdout: string }) => ({
      stdout: error.stdout,
    }));
    expect(stdout.trim()).toBe('');
  }, 120_000);

  it('pass their own pytest suite (runtime contract, exact prompt, model and tools)', async () => {
    const project = await generate(
      specWithTools('python', ['calculator', 'current_time', 'translate_text', 'http_request'], {
        toolConfig: { http_request: { allowedDomains: ['api.example.com'] } },
        systemPrompt: 'Answer with """triple quotes""", {braces}, `backticks` and \\ backslashes.\nשלום',
      }),
    );
    const dir = join(scratchDir('py-run'), 'agent');
    writeProject(dir, project);
    const stdout = await pytest(dir);
    expect(stdout).toMatch(/\b\d+ passed\b/);
    expect(stdout).not.toMatch(/failed|error/i);
  }, 120_000);

  it('pass their own pytest suite with hostile text in the name, description and prompt (evals/main.yaml included)', async () => {
    const hostile = matrix('python').find((e) => e.label === 'hostile text');
    if (!hostile) throw new Error('the matrix has no hostile-text entry');
    const dir = join(scratchDir('py-run-hostile'), 'agent');
    writeProject(dir, await generate(hostile.spec));
    const stdout = await pytest(dir);
    expect(stdout).toMatch(/\b\d+ passed\b/);
    expect(stdout).not.toMatch(/failed|error/i);
  }, 120_000);

  it("fetch their tools' keys from AgentCore Identity with each request's workload access token (their own test)", async () => {
    const project = await generate(identitySpec('python'));
    expect(project.files['app/config.py']).not.toMatch(/TAVILY_API_KEY: required/);
    const dir = join(scratchDir('py-run-identity'), 'agent');
    writeProject(dir, project);
    // The tools themselves need their API clients (tavily, exa_py, slack_sdk), which are not here.
    const stdout = await pytest(dir, 'tests/test_credentials.py');
    expect(stdout).toMatch(/\b4 passed\b/);
    expect(stdout).not.toMatch(/failed|error/i);
  }, 120_000);

  it.each([
    {
      target: 'agentcore' as const,
      model: 'llama3.1:8b',
      // And the generated tools built on boto3, whose input schemas the suite checks (not
      // knowledge_base_retrieve: the CI's Debian botocore predates bedrock-agent-runtime).
      tools: [
        ...['mcp_git', 'mcp_remote', 'calculator', 's3_objects', 'dynamodb_table', 'step_functions_start'],
        ...['sqs_send_message', 'sns_publish', 'ses_send_email', 'eventbridge_put_events', 'lambda_invoke'],
        ...[
          'cloudwatch_metrics',
          'athena_query',
          'textract_document',
          'comprehend_analyze',
          'kendra_retrieve',
        ],
      ],
    },
    {
      target: 'lambda' as const,
      model: 'amazon.nova-pro-v1:0',
      tools: ['mcp_remote', 'calculator', 's3_objects'],
    },
  ])(
    'with MCP servers, on $target with $model: pass their own pytest suite offline (no MCP server starts)',
    async ({ target, model, tools }) => {
      // The test double's MCPClient refuses to start, as the real one would without the server
      // packages and network: the suite passes only if building the tools and agents starts nothing.
      const spec = specWithTools('python', tools, { model, deployment: { target, region: 'us-east-1' } });
      // Settings of the tools in this spec only (a setting of another tool is invalid).
      const settings = Object.entries(MCP_SPEC_SETTINGS).filter(([id]) => tools.includes(id));
      const project = await generate({
        ...spec,
        name: `MCP agent on ${target}`,
        toolConfig: { ...spec.toolConfig, ...Object.fromEntries(settings) },
      });
      const dir = join(scratchDir('py-run-mcp'), 'agent');
      writeProject(dir, project);
      const stdout = await pytest(dir);
      expect(stdout).toMatch(/\b\d+ passed\b/);
      expect(stdout).not.toMatch(/failed|error/i);
    },
    120_000,
  );

  it('keep AgentCore Memory per user: the memory tool and the session manager take the runtime session, never a shared actor', async () => {
    // The doubles of strands_tools.agent_core_memory and bedrock_agentcore.memory record what they
    // were given; their constructors' keyword arguments are the real packages' (see python-stubs).
    const project = await generate(
      specWithTools('python', ['calculator', 'agent_core_memory'], {
        toolConfig: { agent_core_memory: { memoryId: 'mem-0123456789' } },
        deployment: { target: 'agentcore', region: 'us-east-1' },
      }),
    );
    const dir = join(scratchDir('py-memory'), 'agent');
    writeProject(dir, project);
    const script = [
      'from app.agent import create_agent, keeps_sessions_outside',
      'from app.config import load_settings',
      'from app.tools import SESSION_TOOL_IDS, Toolbox',
      'settings = load_settings({"AWS_REGION": "us-east-1"})',
      'assert SESSION_TOOL_IDS == frozenset(["agent_core_memory"]), SESSION_TOOL_IDS',
      'assert keeps_sessions_outside(settings)',
      'toolbox = Toolbox(settings)',
      'first, second = "a" * 40, "b" * 40',
      'def provider(tools):',
      '    [memory] = [t.provider for t in tools if getattr(t, "tool_name", "") == "agent_core_memory"]',
      '    return memory',
      'one, two = provider(toolbox.tools(first)), provider(toolbox.tools(second))',
      'assert (one.actor_id, one.session_id, one.namespace) == (first, first, "/users/" + first), vars(one)',
      'assert (two.actor_id, two.session_id) == (second, second), vars(two)',
      'assert one.memory_id == "mem-0123456789"',
      'agent = create_agent(settings, tools=toolbox.tools(first), session_id=first)',
      'manager = agent._session_manager',
      'assert type(manager).__name__ == "AgentCoreMemorySessionManager", type(manager)',
      'assert (manager.config.memory_id, manager.config.actor_id, manager.config.session_id) == ("mem-0123456789", first, first)',
      'assert manager.region_name == "us-east-1"',
      'print("memory ok")',
    ].join('\n');
    const env = { ...process.env, PYTHONPATH: `${STUBS}:${dir}`, PYTHONDONTWRITEBYTECODE: '1' };
    const { stdout, stderr } = await run(PYTHON, ['-c', script], { cwd: dir, env }).catch(
      (error: { stdout: string; stderr: string }) => error,
    );
    expect(stderr).toBe('');
    expect(stdout.trim()).toBe('memory ok');
    // And its own suite passes with the memory tool in it.
    const suite = await pytest(dir);
    expect(suite).toMatch(/\b\d+ passed\b/);
    expect(suite).not.toMatch(/failed|error/i);
  }, 120_000);
});
