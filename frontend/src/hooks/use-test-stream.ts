import { useCallback, useEffect, useRef, useState } from 'react';
import { appConfig, authToken } from '../config.ts';
import type { Problem, RunMetrics, StreamEvent } from '../types.ts';

export interface StreamState {
  runId?: string;
  running: boolean;
  phase?: string;
  output: string;
  toolCalls: { toolUseId: string; name: string; input?: unknown; status?: string }[];
  logs: string[];
  metrics?: RunMetrics;
  status?: string;
  reason?: string;
  model?: string;
  problem?: Problem;
}

const idle: StreamState = { running: false, output: '', toolCalls: [], logs: [] };

/** Applies one stream event to the run's state (pure, so it is tested on its own). */
export function reduceStream(state: StreamState, event: StreamEvent): StreamState {
  switch (event.type) {
    case 'accepted':
      return { ...state, runId: event.runId };
    case 'error':
      return { ...state, running: false, problem: event.problem };
    case 'run_failed':
      return { ...state, running: false, status: 'failed', reason: event.reason };
    case 'cancelling':
      return { ...state, phase: 'stopping' };
    case 'status':
      return { ...state, phase: event.message, model: event.model.label };
    case 'log':
      return { ...state, logs: [...state.logs.slice(-499), `[${event.source}] ${event.line}`] };
    case 'text':
      return { ...state, output: state.output + event.text };
    case 'tool_call':
      return {
        ...state,
        toolCalls: [...state.toolCalls, { toolUseId: event.toolUseId, name: event.name, input: event.input }],
      };
    case 'tool_result':
      return {
        ...state,
        toolCalls: state.toolCalls.map((c) =>
          c.toolUseId === event.toolUseId ? { ...c, status: event.status } : c,
        ),
      };
    case 'metrics':
      return { ...state, metrics: event.metrics };
    case 'result':
      return {
        ...state,
        running: false,
        status: event.result.status,
        reason: event.result.reason,
        metrics: event.result.metrics,
        model: event.model.label,
        output: event.result.output || state.output,
      };
    default:
      return state;
  }
}

/** The test-run stream (WebSocket): start a run, watch it arrive event by event, cancel it. */
export function useTestStream(onFinished?: () => void) {
  const [state, setState] = useState<StreamState>(idle);
  const socket = useRef<WebSocket | null>(null);
  const finished = useRef(onFinished);
  finished.current = onFinished;
  useEffect(() => () => socket.current?.close(), []);

  const send = useCallback((message: Record<string, unknown>) => {
    socket.current?.close();
    setState({ ...idle, running: true, phase: 'connecting' });
    const token = authToken();
    const url = `${appConfig().streamUrl}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
    const ws = new WebSocket(url);
    socket.current = ws;
    ws.onopen = () => ws.send(JSON.stringify(message));
    ws.onmessage = (m) => {
      const event = JSON.parse(String(m.data)) as StreamEvent;
      setState((s) => reduceStream(s, event));
      if (event.type === 'result' || event.type === 'error' || event.type === 'run_failed') {
        ws.close();
        finished.current?.();
      }
    };
    ws.onerror = () =>
      setState((s) =>
        s.running
          ? {
              ...s,
              running: false,
              problem: {
                type: 'network-error',
                title: 'The test-run stream is unavailable',
                status: 0,
                detail:
                  'The connection to the stream failed; check that the platform is running and try again.',
              },
            }
          : s,
      );
  }, []);

  /** One run of a build on an input, in a fresh agent. */
  const run = useCallback(
    (message: { buildId: string; input: string }) => send({ action: 'run', ...message }),
    [send],
  );
  /** The next message of a conversation, answered by its warm agent. */
  const say = useCallback(
    (conversationId: string, input: string) => send({ action: 'say', conversationId, input }),
    [send],
  );

  const cancel = useCallback(() => {
    const ws = socket.current;
    if (ws && state.runId && ws.readyState === WebSocket.OPEN)
      ws.send(JSON.stringify({ action: 'cancel', runId: state.runId }));
  }, [state.runId]);

  return { state, run, say, cancel };
}
