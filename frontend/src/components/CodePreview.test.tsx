import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import JSZip from 'jszip';
import { describe, expect, it, vi } from 'vitest';
import { fakeApi, makeSession, renderAt } from '../test/harness.tsx';
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
});
