import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, renderAt } from '../test/harness.tsx';
import { Feedback } from './Feedback.tsx';

describe('Feedback', () => {
  it('sends a thumbs down with the comment, then thanks the builder', async () => {
    const { calls } = fakeApi([
      {
        method: 'POST',
        path: /^\/api\/feedback$/,
        status: 201,
        body: ({ body }: { body: unknown }) => ({ ...(body as object), at: '2026-12-05T00:00:00.000Z' }),
      },
    ]);
    renderAt(<Feedback subject="generation" id="g1" />);
    expect(screen.queryByRole('button', { name: 'Send feedback' })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Thumbs down' }));
    expect(screen.getByRole('button', { name: 'Thumbs down' })).toHaveAttribute('aria-pressed', 'true');
    await userEvent.type(screen.getByLabelText('Comment (optional)'), 'The README misses the deploy step.');
    await userEvent.click(screen.getByRole('button', { name: 'Send feedback' }));
    await screen.findByText('Thanks, your feedback is recorded.');
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
        subject: 'generation',
        id: 'g1',
        rating: 'down',
        comment: 'The README misses the deploy step.',
      }),
    );
  });

  it('shows the problem when the API refuses the feedback', async () => {
    fakeApi([
      {
        method: 'POST',
        path: /^\/api\/feedback$/,
        status: 404,
        body: { type: 'not-found', title: 'Not found', status: 404, detail: 'no test-run r1' },
      },
    ]);
    renderAt(<Feedback subject="test-run" id="r1" />);
    await userEvent.click(screen.getByRole('button', { name: 'Thumbs up' }));
    await userEvent.click(screen.getByRole('button', { name: 'Send feedback' }));
    expect(await screen.findByText(/no test-run r1/)).toBeInTheDocument();
  });
});
