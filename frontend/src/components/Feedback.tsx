import { type FormEvent, useState } from 'react';
import { useGiveFeedbackMutation } from '../api.ts';
import type { BodyOf } from '../types.ts';
import { ProblemMessage } from './ProblemMessage.tsx';

type Subject = BodyOf<'giveFeedback'>['subject'];
type Rating = BodyOf<'giveFeedback'>['rating'];

const WHAT: Record<Subject, string> = { generation: 'this generated project', 'test-run': 'this test run' };

/** Thumbs up or down, with an optional comment, on a generation or a test run (builder satisfaction). */
export function Feedback({ subject, id }: { subject: Subject; id: string }) {
  const [rating, setRating] = useState<Rating>();
  const [comment, setComment] = useState('');
  const [give, sent] = useGiveFeedbackMutation();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (rating) give({ subject, id, rating, ...(comment.trim() ? { comment: comment.trim() } : {}) });
  };
  if (sent.isSuccess)
    return (
      <p className="feedback muted" role="status">
        Thanks, your feedback is recorded.
      </p>
    );
  return (
    <form className="feedback" aria-label={`Rate ${WHAT[subject]}`} onSubmit={submit}>
      <span className="muted">Was {WHAT[subject]} useful?</span>
      <div className="row">
        {(['up', 'down'] as const).map((value) => (
          <button key={value} type="button" aria-pressed={rating === value} onClick={() => setRating(value)}>
            {/* Words, not emoji: they read the same everywhere, with or without an emoji font. */}
            {value === 'up' ? 'Thumbs up' : 'Thumbs down'}
          </button>
        ))}
      </div>
      {rating && (
        <>
          <label>
            Comment (optional)
            <textarea
              value={comment}
              maxLength={2000}
              rows={2}
              onChange={(e) => setComment(e.target.value)}
            />
          </label>
          <button type="submit" disabled={sent.isLoading}>
            Send feedback
          </button>
        </>
      )}
      <ProblemMessage error={sent.error} />
    </form>
  );
}
