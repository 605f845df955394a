/** Environment for tests: every required variable set to a placeholder, nothing real. */
export const TEST_ENV: NodeJS.ProcessEnv = {
  AWS_REGION: "us-east-1",
  TAVILY_API_KEY: "test-tavily-api-key",
};
