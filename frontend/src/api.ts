import { createApi, type FetchBaseQueryError, fetchBaseQuery } from '@reduxjs/toolkit/query/react';
import { appConfig, authToken, setAuthToken } from './config.ts';
import type { Answer, BodyOf, Problem, QueryOf, Session } from './types.ts';

/**
 * A session write answers with the new session: it is stored in the cache at once, so the next
 * change is based on its version (a refetch could arrive after the builder's next click).
 */
function keepSession<A>(session: (answer: A) => Session) {
  return async (
    { id }: { id: string },
    {
      dispatch,
      queryFulfilled,
    }: { dispatch: (action: unknown) => unknown; queryFulfilled: Promise<{ data: A }> },
  ) => {
    const answered = await queryFulfilled.catch(() => undefined);
    if (answered) dispatch(api.util.upsertQueryData('getSession', id, session(answered.data)));
  };
}

/** The platform API (RTK Query): every call, cached by tag, errors as problem+json. */
export const api = createApi({
  reducerPath: 'api',
  // The API may live on another origin (AWS): its base URL comes from the runtime config.
  baseQuery: async (args, store, extra) => {
    const result = await fetchBaseQuery({
      baseUrl: `${appConfig().apiUrl || location.origin}/`,
      prepareHeaders: (headers) => {
        const token = authToken();
        if (token) headers.set('authorization', `Bearer ${token}`);
        return headers;
      },
    })(args, store, extra);
    // An expired or revoked sign-in: back to the sign-in form (deployed platform only).
    if (result.error?.status === 401 && appConfig().cognito) {
      setAuthToken(undefined);
      store.dispatch({ type: 'ui/setSignedIn', payload: false });
    }
    return result;
  },
  tagTypes: ['Session', 'Sessions', 'Context', 'History', 'Build', 'Versions', 'Deployments'],
  endpoints: (build) => ({
    listSessions: build.query<Answer<'listSessions'>, void>({
      query: () => 'api/sessions',
      providesTags: ['Sessions'],
    }),
    createSession: build.mutation<Answer<'createSession'>, BodyOf<'createSession'>>({
      query: (body) => ({ url: 'api/sessions', method: 'POST', body }),
      invalidatesTags: ['Sessions'],
    }),
    duplicateSession: build.mutation<Answer<'duplicateSession'>, { id: string; title?: string }>({
      query: ({ id, title }) => ({
        url: `api/sessions/${encodeURIComponent(id)}/duplicate`,
        method: 'POST',
        body: title ? { title } : {},
      }),
      invalidatesTags: ['Sessions'],
    }),
    deleteSession: build.mutation<Answer<'deleteSession'>, string>({
      query: (id) => ({ url: `api/sessions/${encodeURIComponent(id)}`, method: 'DELETE' }),
      invalidatesTags: (_r, _e, id) => ['Sessions', { type: 'Session', id }, { type: 'Context', id }],
    }),
    getSession: build.query<Answer<'getSession'>, string>({
      query: (id) => `api/sessions/${encodeURIComponent(id)}`,
      providesTags: (_r, _e, id) => [{ type: 'Session', id }],
    }),
    updateSession: build.mutation<Answer<'updateSession'>, { id: string } & BodyOf<'updateSession'>>({
      query: ({ id, ...body }) => ({ url: `api/sessions/${encodeURIComponent(id)}`, method: 'PATCH', body }),
      onQueryStarted: keepSession((session: Session) => session),
      invalidatesTags: (_r, _e, { id }) => [{ type: 'Context', id }, { type: 'Versions', id }, 'Sessions'],
    }),
    addMessage: build.mutation<Answer<'addMessage'>, { id: string } & BodyOf<'addMessage'>>({
      query: ({ id, ...body }) => ({
        url: `api/sessions/${encodeURIComponent(id)}/messages`,
        method: 'POST',
        body,
      }),
      // A message can change the spec: whether the code is out of date is asked again.
      invalidatesTags: (_r, _e, { id }) => [{ type: 'Versions', id }],
      // The reply carries the spec after the message: the context is stored with the session.
      onQueryStarted: async (args, lifecycle) => {
        await keepSession((answer: Answer<'addMessage'>) => answer.session)(args, lifecycle);
        const answered = await lifecycle.queryFulfilled.catch(() => undefined);
        if (answered)
          lifecycle.dispatch(
            api.util.upsertQueryData('sessionContext', args.id, answered.data.reply.context),
          );
      },
    }),
    advanceSession: build.mutation<Answer<'advanceSession'>, { id: string } & BodyOf<'advanceSession'>>({
      query: ({ id, version }) => ({
        url: `api/sessions/${encodeURIComponent(id)}/advance`,
        method: 'POST',
        body: { version },
      }),
      onQueryStarted: keepSession((answer: Answer<'advanceSession'>) => answer.session),
      invalidatesTags: (_r, _e, { id }) => [{ type: 'Context', id }, 'Sessions'],
    }),
    sessionContext: build.query<Answer<'sessionContext'>, string>({
      query: (id) => `api/sessions/${encodeURIComponent(id)}/context`,
      providesTags: (_r, _e, id) => [{ type: 'Context', id }],
    }),
    listModels: build.query<Answer<'listModels'>, QueryOf<'listModels'>>({
      query: (args) => ({ url: 'api/models', params: args.search ? { search: args.search } : {} }),
    }),
    recommendModels: build.query<Answer<'recommendModels'>, QueryOf<'recommendModels'>>({
      query: (params) => ({ url: 'api/models/recommend', params: { ...params, limit: 5 } }),
    }),
    compareModels: build.query<Answer<'compareModels'>, BodyOf<'compareModels'>>({
      query: (body) => ({ url: 'api/models/compare', method: 'POST', body }),
    }),
    listTools: build.query<Answer<'listTools'>, void>({ query: () => 'api/tools' }),
    resolveTools: build.query<Answer<'resolveTools'>, BodyOf<'resolveTools'>>({
      query: (body) => ({ url: 'api/tools/resolve', method: 'POST', body }),
    }),
    estimateCost: build.query<Answer<'estimateCost'>, BodyOf<'estimateCost'>>({
      query: (body) => ({ url: 'api/cost-estimate', method: 'POST', body }),
    }),
    generate: build.mutation<Answer<'generate'>, BodyOf<'generate'> & { sessionId: string }>({
      query: (body) => ({ url: 'api/code-generation/generate', method: 'POST', body }),
      invalidatesTags: (_r, _e, { sessionId }) => [
        { type: 'Session', id: sessionId },
        { type: 'Versions', id: sessionId },
        'Sessions',
      ],
    }),
    deployPlan: build.query<Answer<'deployPlan'>, string>({
      query: (id) => `api/code-generation/${encodeURIComponent(id)}/deploy-plan`,
    }),
    listDeployments: build.query<Answer<'listDeployments'>, string>({
      query: (id) => `api/sessions/${encodeURIComponent(id)}/deployments`,
      providesTags: (_r, _e, id) => [{ type: 'Deployments', id }],
    }),
    startDeployment: build.mutation<Answer<'startDeployment'>, { id: string } & BodyOf<'startDeployment'>>({
      query: ({ id, ...body }) => ({
        url: `api/sessions/${encodeURIComponent(id)}/deployments`,
        method: 'POST',
        body,
      }),
      invalidatesTags: (_r, _e, { id }) => [{ type: 'Deployments', id }],
    }),
    getDeployment: build.query<
      Answer<'getDeployment'>,
      { id: string; target: Answer<'getDeployment'>['target'] }
    >({
      query: ({ id, target }) => `api/sessions/${encodeURIComponent(id)}/deployments/${target}`,
    }),
    listVersions: build.query<Answer<'listVersions'>, string>({
      query: (id) => `api/sessions/${encodeURIComponent(id)}/versions`,
      providesTags: (_r, _e, id) => [{ type: 'Versions', id }],
    }),
    getGeneration: build.query<Answer<'getGeneration'>, string>({
      query: (id) => `api/code-generation/${encodeURIComponent(id)}`,
    }),
    getGeneratedFile: build.query<string, { id: string; path: string }>({
      query: ({ id, path }) => ({
        url: `api/code-generation/${encodeURIComponent(id)}/files/${path.split('/').map(encodeURIComponent).join('/')}`,
        responseHandler: 'text',
      }),
    }),
    buildProject: build.mutation<Answer<'buildTest'>, BodyOf<'buildTest'>>({
      query: (body) => ({ url: 'api/testing/build', method: 'POST', body }),
      invalidatesTags: ['Build'],
    }),
    startConversation: build.mutation<Answer<'startConversation'>, BodyOf<'startConversation'>>({
      query: (body) => ({ url: 'api/testing/conversations', method: 'POST', body }),
    }),
    endConversation: build.mutation<Answer<'endConversation'>, string>({
      query: (id) => ({ url: `api/testing/conversations/${encodeURIComponent(id)}/end`, method: 'POST' }),
    }),
    getTestRun: build.query<Answer<'getTestRun'>, string>({
      query: (id) => `api/testing/runs/${encodeURIComponent(id)}`,
    }),
    getConversation: build.query<Answer<'getConversation'>, string>({
      query: (id) => `api/testing/conversations/${encodeURIComponent(id)}`,
    }),
    getBuild: build.query<Answer<'getBuild'>, string>({
      query: (id) => `api/testing/builds/${encodeURIComponent(id)}`,
    }),
    history: build.query<Answer<'testHistory'>, QueryOf<'testHistory'> & { sessionId: string }>({
      query: (params) => ({ url: 'api/testing/history', params }),
      providesTags: ['History'],
    }),
    listFeatures: build.query<Answer<'listFeatures'>, void>({ query: () => 'api/features' }),
    giveFeedback: build.mutation<Answer<'giveFeedback'>, BodyOf<'giveFeedback'>>({
      query: (body) => ({ url: 'api/feedback', method: 'POST', body }),
    }),
  }),
});

export const {
  useGetBuildQuery,
  useStartConversationMutation,
  useEndConversationMutation,
  useGetConversationQuery,
  useGetTestRunQuery,
  useListFeaturesQuery,
  useGiveFeedbackMutation,
  useListSessionsQuery,
  useCreateSessionMutation,
  useDuplicateSessionMutation,
  useDeleteSessionMutation,
  useGetSessionQuery,
  useUpdateSessionMutation,
  useAddMessageMutation,
  useAdvanceSessionMutation,
  useSessionContextQuery,
  useListModelsQuery,
  useRecommendModelsQuery,
  useCompareModelsQuery,
  useListToolsQuery,
  useResolveToolsQuery,
  useEstimateCostQuery,
  useGenerateMutation,
  useGetGenerationQuery,
  useListVersionsQuery,
  useDeployPlanQuery,
  useListDeploymentsQuery,
  useStartDeploymentMutation,
  useGetDeploymentQuery,
  useLazyGetGeneratedFileQuery,
  useGetGeneratedFileQuery,
  useBuildProjectMutation,
  useHistoryQuery,
} = api;

/** The problem+json of a failed call, or a problem describing a network failure. */
export function problemOf(error: unknown): Problem | undefined {
  if (!error) return undefined;
  const e = error as FetchBaseQueryError & { data?: unknown };
  if (e.data && typeof e.data === 'object' && 'type' in e.data && 'detail' in e.data)
    return e.data as Problem;
  if (e.status === 'FETCH_ERROR')
    return {
      type: 'network-error',
      title: 'The platform cannot be reached',
      status: 0,
      detail: 'Check that the platform is running (npm start) and your connection, then try again.',
    };
  return {
    type: 'unexpected',
    title: 'Unexpected answer',
    status: typeof e.status === 'number' ? e.status : 0,
    detail: 'The platform answered in a way this app does not understand; reload the page and try again.',
  };
}
