/**
 * Freezes a value and everything reachable from it. Registry data is frozen once loaded, so what is
 * computed from it (an answer's JSON, for one) can be kept for as long as the value lives.
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}
