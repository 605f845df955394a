import { useEffect, useId, useState } from 'react';
import { parseHumanNumber } from '../../../lambdas/sessions/understand/numbers.ts';

/**
 * A number as people type it ("5,000", "5k", "1.5M", "fifty thousand"): the parsed value shows
 * beside the field, and a value that cannot be read or is out of range is refused with a message in
 * the field (never silently 0). `onValue` gets every valid value, and `undefined` when cleared.
 */
export function NumberField({
  label,
  value,
  onValue,
  min = 0,
  max,
  integer = false,
  unit,
  prefix,
  hint,
  id,
}: {
  label: string;
  value: number | undefined;
  onValue: (value: number | undefined) => void;
  min?: number;
  max?: number;
  integer?: boolean;
  unit?: string;
  prefix?: string;
  hint?: React.ReactNode;
  id?: string;
}) {
  const generated = useId();
  const inputId = id ?? generated;
  const [text, setText] = useState(value === undefined ? '' : String(value));
  // A value changed elsewhere (the conversation, another tab) shows here unless the builder is typing.
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    if (!editing) setText(value === undefined ? '' : String(value));
  }, [value, editing]);

  const parsed = text.trim() === '' ? undefined : parseHumanNumber(text.replace(/^\$/, ''));
  const error =
    text.trim() === ''
      ? undefined
      : parsed === undefined
        ? 'Write a number, e.g. 5000, 5,000 or 5k'
        : parsed < min || (min > 0 && parsed === 0)
          ? `Must be at least ${min.toLocaleString('en-US')}`
          : max !== undefined && parsed > max
            ? `Must be at most ${max.toLocaleString('en-US')}`
            : integer && !Number.isInteger(parsed)
              ? 'Must be a whole number'
              : undefined;

  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      <span className="row">
        {prefix && <span aria-hidden="true">{prefix}</span>}
        <input
          id={inputId}
          className="grow"
          inputMode="decimal"
          value={text}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${inputId}-note`}
          onFocus={() => setEditing(true)}
          onBlur={() => setEditing(false)}
          onChange={(e) => {
            const next = e.target.value;
            setText(next);
            const n = next.trim() === '' ? undefined : parseHumanNumber(next.replace(/^\$/, ''));
            if (next.trim() === '') onValue(undefined);
            else if (
              n !== undefined &&
              n >= min &&
              !(min > 0 && n === 0) &&
              (max === undefined || n <= max) &&
              (!integer || Number.isInteger(n))
            )
              onValue(n);
          }}
        />
        {unit && <span className="muted">{unit}</span>}
      </span>
      <span
        id={`${inputId}-note`}
        className={error ? 'field-error' : 'muted'}
        role={error ? 'alert' : undefined}
      >
        {error ??
          (parsed !== undefined && String(parsed) !== text.trim()
            ? `= ${prefix ?? ''}${parsed.toLocaleString('en-US')}${unit ? ` ${unit}` : ''}`
            : hint)}
      </span>
    </div>
  );
}
