import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import JSZip from 'jszip';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { fakeApi, makeSession, renderAt } from '../test/harness.tsx';
import type { Session } from '../types.ts';
import { CodePreview, fileTree } from './CodePreview.tsx';
import { languageFor } from './CodeViewer.tsx';

const files = [
  'package.json',
  'src/agent.ts',
  'src/tools/calculator.ts',
  'deploy/lambda/deploy.sh',
  'Dockerfile',
];
const generation = {
  id: 'g1',
  status: 'SUCCEEDED',
  name: 'refund-helper',
  language: 'typescript',
  files,
  createdAt: '2026-01-01T00:00:00Z',
};
const contents: Record<string, string> = {
  'package.json': '{ "name": "refund-helper" }',
  'src/agent.ts': 'export const prompt = \'Say "hi" `now` ${x}\';\n',
  'src/tools/calculator.ts': 'export const calculator = 1;\n',
  'deploy/lambda/deploy.sh': '#!/usr/bin/env bash\nset -euo pipefail\n',
  Dockerfile: 'FROM node:22\n',
};

function api() {
  return fakeApi([
    { path: /^\/api\/code-generation\/g1$/, body: generation },
    {
      path: /^\/api\/code-generation\/g1\/files\//,
      body: ({ url }: { url: URL }) =>
        contents[decodeURIComponent(url.pathname.split('/files/')[1] ?? '')] ?? '',
    },
  ]);
}

let setSession: (session: Session) => void = () => undefined;

/** The session as the builder page holds it: a test adds a new version to it. */
function Page() {
  const [session, set] = useState(makeSession({ generationIds: ['g1'] }));
  setSession = set;
  return <CodePreview session={session} />;
}

describe('CodePreview', () => {
  it('builds a folder tree, folders first', () => {
    expect(fileTree(files).map((n) => n.name)).toEqual(['deploy', 'src', 'Dockerfile', 'package.json']);
    expect(fileTree(files)[1]?.children.map((n) => n.path)).toEqual(['src/tools', 'src/agent.ts']);
  });

  it('highlights each kind of generated file', () => {
    for (const path of [
      'src/a.ts',
      'app/main.py',
      'deploy/cloudformation/x.yaml',
      'package.json',
      'Dockerfile',
      'deploy/x.sh',
    ])
      expect(languageFor(path), path).toBeDefined();
    expect(languageFor('README.md')).toBeUndefined();
  });

  it('offers to generate when there is no project yet', async () => {
    const { calls } = fakeApi([{ method: 'POST', path: /generate$/, status: 201, body: generation }]);
    renderAt(<CodePreview session={makeSession({ phase: 'CODE_GENERATION' })} />);
    await userEvent.click(screen.getByRole('button', { name: 'Generate the project' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ sessionId: 's1' }));
  });

  it('opens files in tabs in a read-only editor, copies one, and closes tabs', async () => {
    api();
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    renderAt(<CodePreview session={makeSession({ generationIds: ['g1'] })} />);
    await userEvent.click(await screen.findByRole('button', { name: 'agent.ts' }));
    const editor = await screen.findByLabelText('Contents of src/agent.ts');
    expect(editor).toHaveTextContent('export const prompt = \'Say "hi" `now` ${x}\';');
    expect(editor).toHaveAttribute('contenteditable', 'false');
    await userEvent.click(screen.getByRole('button', { name: 'Copy file' }));
    expect(writeText).toHaveBeenCalledWith(contents['src/agent.ts']);
    await userEvent.click(screen.getByRole('button', { name: 'package.json' }));
    expect(within(screen.getByRole('list', { name: 'Open files' })).getAllByRole('listitem')).toHaveLength(2);
    await userEvent.click(screen.getByRole('button', { name: 'Close package.json' }));
    expect(within(screen.getByRole('list', { name: 'Open files' })).getAllByRole('listitem')).toHaveLength(1);
  });

  it('downloads the whole project as a zip of every file, scripts executable', async () => {
    api();
    let saved: Blob | undefined;
    vi.stubGlobal(
      'URL',
      Object.assign(URL, {
        createObjectURL: (blob: Blob) => {
          saved = blob;
          return 'blob:zip';
        },
        revokeObjectURL: () => undefined,
      }),
    );
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    renderAt(<CodePreview session={makeSession({ generationIds: ['g1'] })} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Download all (.zip)' }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    const zip = await JSZip.loadAsync(await (saved as Blob).arrayBuffer());
    expect(
      Object.keys(zip.files)
        .filter((f) => !f.endsWith('/'))
        .sort(),
    ).toEqual(files.map((f) => `refund-helper/${f}`).sort());
    expect(await zip.file('refund-helper/src/agent.ts')?.async('string')).toBe(contents['src/agent.ts']);
    expect(Number(zip.file('refund-helper/deploy/lambda/deploy.sh')?.unixPermissions ?? 0) & 0o111).not.toBe(
      0,
    );
    click.mockRestore();
  });

  it('says the code is out of date, regenerates, and opens the new version with its diff against the previous', async () => {
    const v1 = { ...generation, version: 1, changes: [] };
    const change = { field: 'model', from: 'amazon.nova-lite-v1:0', to: 'amazon.nova-pro-v1:0' };
    const v2 = { ...generation, id: 'g2', version: 2, changes: [change], createdAt: '2026-01-02T00:00:00Z' };
    const v2Contents: Record<string, string> = {
      ...contents,
      'src/agent.ts': "export const model = 'amazon.nova-pro-v1:0';\n",
    };
    let generated = false;
    const { calls } = fakeApi([
      {
        path: /\/versions$/,
        body: () =>
          generated
            ? { versions: [v2, v1], current: { upToDate: true, changes: [] } }
            : { versions: [v1], current: { upToDate: false, changes: [change] } },
      },
      {
        method: 'POST',
        path: /^\/api\/code-generation\/generate$/,
        status: 201,
        body: () => {
          generated = true;
          return v2;
        },
      },
      { path: /^\/api\/code-generation\/g1$/, body: v1 },
      { path: /^\/api\/code-generation\/g2$/, body: v2 },
      {
        path: /^\/api\/code-generation\/g[12]\/files\//,
        body: ({ url }: { url: URL }) => {
          const path = decodeURIComponent(url.pathname.split('/files/')[1] ?? '');
          return (url.pathname.includes('/g2/') ? v2Contents : contents)[path] ?? '';
        },
      },
    ]);
    renderAt(<Page />);
    const notice = await screen.findByText('The code is out of date.');
    expect(notice.parentElement).toHaveTextContent(
      'The spec changed since v1: model: amazon.nova-lite-v1:0 → amazon.nova-pro-v1:0.',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Regenerate' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ sessionId: 's1' }));
    act(() => setSession(makeSession({ generationIds: ['g1', 'g2'] })));

    const compared = await screen.findByRole('region', { name: 'v1 → v2' });
    expect(compared).toHaveTextContent(
      'What changed in the spec: model: amazon.nova-lite-v1:0 → amazon.nova-pro-v1:0',
    );
    const changed = await within(compared).findByRole('list', { name: 'Changed files' });
    expect(
      within(changed)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['src/agent.ts changed']);
    expect(await within(compared).findByLabelText('src/agent.ts in v2')).toHaveTextContent(
      'amazon.nova-pro-v1:0',
    );
    await userEvent.click(within(compared).getByRole('button', { name: 'Unified' }));
    expect(await within(compared).findByLabelText('src/agent.ts, v1 → v2')).toBeInTheDocument();
    expect(screen.queryByText('The code is out of date.')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Download v2 (.zip)' })).toBeInTheDocument();
  });
});
