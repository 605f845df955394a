import { z } from 'zod';
import { defineRoutes, IdParams } from '../core/contract.ts';
import { Generation } from '../generate/model.ts';
import { ConsultantReply } from './consultant.ts';
import { ExtractedContext } from './extract.ts';
import {
  AddMessageBody,
  AdvanceBody,
  CreateSessionBody,
  DeletedSession,
  DuplicateSessionBody,
  Session,
  SessionSummary,
  UpdateSessionBody,
} from './model.ts';

/** The sessions feature: the builder's workflow, its conversation, and the AgentSpec drawn from it. */
export const sessionRoutes = defineRoutes('sessions', {
  createSession: {
    method: 'POST',
    path: '/api/sessions',
    auth: true,
    summary: 'Start a session',
    description:
      'A new agent needs a name (`title` or `selections.name`) or a description (`answers.useCase`).',
    body: CreateSessionBody.optional(),
    responses: { 201: Session },
  },
  listSessions: {
    method: 'GET',
    path: '/api/sessions',
    auth: true,
    summary: "The caller's sessions, newest first",
    description: 'Each with the model its agent uses, its last generation and its last test run.',
    responses: { 200: z.object({ sessions: z.array(SessionSummary) }) },
  },
  getSession: {
    method: 'GET',
    path: '/api/sessions/{id}',
    auth: true,
    summary: 'One session',
    params: IdParams,
    responses: { 200: Session },
    errors: [404],
  },
  updateSession: {
    method: 'PATCH',
    path: '/api/sessions/{id}',
    auth: true,
    summary: 'Change answers, selections or phase',
    description:
      '`selections` is a SpecPatch: the fields it names replace the current ones (deployment fields one by one). A change based on an older `version` is refused with 409.',
    params: IdParams,
    body: UpdateSessionBody,
    responses: { 200: Session },
    errors: [404, 409],
  },
  deleteSession: {
    method: 'DELETE',
    path: '/api/sessions/{id}',
    auth: true,
    summary: 'Delete an agent and everything it made',
    description:
      'Removes the session, its generations and their files, its builds, its test runs and their outputs, from the table and the bucket. It cannot be undone.',
    params: IdParams,
    responses: { 200: DeletedSession },
    errors: [404],
  },
  duplicateSession: {
    method: 'POST',
    path: '/api/sessions/{id}/duplicate',
    auth: true,
    summary: "A new session from this one's spec",
    description:
      'Copies the answers, choices and conversation; the copy has no generations and is at most at IMPLEMENTATION.',
    params: IdParams,
    body: DuplicateSessionBody.optional(),
    responses: { 201: Session },
    errors: [404],
  },
  addMessage: {
    method: 'POST',
    path: '/api/sessions/{id}/messages',
    auth: true,
    summary: "Add a message to the conversation and get the consultant's reply",
    description:
      "Stores the builder's message and the consultant's reply (role `assistant`) in one versioned write. The reply says what was read from the message, what changed in the spec, the next most useful question, and which consultant answered (`model` or the rule-based `deterministic`).",
    params: IdParams,
    body: AddMessageBody,
    responses: { 200: z.object({ session: Session, reply: ConsultantReply }) },
    errors: [404, 409],
  },
  advanceSession: {
    method: 'POST',
    path: '/api/sessions/{id}/advance',
    auth: true,
    summary: 'Move to the next phase when its conditions are met',
    description: 'Leaving IMPLEMENTATION starts generation; its outcome comes back as `generation`.',
    params: IdParams,
    body: AdvanceBody,
    responses: { 200: z.object({ session: Session, generation: Generation.optional() }) },
    errors: [404, 409],
    rateLimited: true,
  },
  sessionContext: {
    method: 'GET',
    path: '/api/sessions/{id}/context',
    auth: true,
    summary: 'The AgentSpec extracted from the session',
    params: IdParams,
    responses: { 200: ExtractedContext },
    errors: [404],
  },
});
