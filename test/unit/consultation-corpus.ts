/**
 * Descriptions written as different builders write them (terse, chatty, technical, non-native,
 * corrected mid-conversation), each with what the consultation must read from it. Shared by the
 * extraction tests and `npm run bench`.
 */
export interface CorpusCase {
  name: string;
  description: string;
  /** Follow-up messages, in order. */
  messages?: string[];
  expect: {
    language?: 'typescript' | 'python';
    /** The target, and whether it was read from the text or recommended. */
    target?: 'agentcore' | 'ecs-fargate' | 'lambda';
    targetSource?: 'text' | 'recommendation';
    requestsPerMonth?: number;
    budgetUsd?: number;
    tools?: string[];
    notTools?: string[];
    settings?: Record<string, unknown>;
    /** Required settings the session must ask for. */
    asks?: string[];
    /** A suggestion offered for a setting: path → value. */
    suggests?: Record<string, unknown>;
  };
}

export const CORPUS: CorpusCase[] = [
  {
    name: 'HR policy assistant (the issue)',
    description:
      "An internal HR policy assistant that answers employees' questions from our policy documents in S3. Python, deployed on ECS Fargate, about 5,000 questions a month, budget $30/month.",
    expect: {
      language: 'python',
      target: 'ecs-fargate',
      targetSource: 'text',
      requestsPerMonth: 5000,
      budgetUsd: 30,
      tools: ['knowledge_base_retrieve'],
      asks: ['toolConfig.knowledge_base_retrieve.knowledgeBaseId'],
    },
  },
  {
    name: 'incident bot with a Slack channel',
    description:
      'When an alarm fires, summarise the CloudWatch metrics and post a short incident summary to #incidents in Slack. TypeScript on Lambda, maybe 400 incidents per month, no more than $5 a month.',
    expect: {
      language: 'typescript',
      target: 'lambda',
      budgetUsd: 5,
      tools: ['slack_post_message', 'cloudwatch_metrics'],
      settings: { 'slack_post_message.defaultChannel': '#incidents' },
    },
  },
  {
    name: 'REST API with a host',
    description:
      'A support agent that checks order status through our REST API at api.example.com and answers customers. Node.js, 2k/month.',
    expect: {
      language: 'typescript',
      requestsPerMonth: 2000,
      tools: ['http_request'],
      settings: { 'http_request.allowedDomains': ['api.example.com'] },
    },
  },
  {
    name: 'orders table suggestion',
    description:
      'Look up orders in the orders table in DynamoDB and tell customers where their parcel is. Serverless, ~300 requests a day.',
    expect: {
      target: 'lambda',
      requestsPerMonth: 9000,
      tools: ['dynamodb_table'],
      asks: ['toolConfig.dynamodb_table.tableName'],
      suggests: { 'toolConfig.dynamodb_table.tableName': 'orders' },
    },
  },
  {
    name: 'words for numbers',
    description:
      'A travel assistant that answers questions about flights and converts time zones. Around fifty thousand conversations a month; budget around 200 dollars.',
    expect: { requestsPerMonth: 50_000, budgetUsd: 200, tools: ['current_time'] },
  },
  {
    name: 'two thousand five hundred',
    description:
      'Translate customer emails into English and detect the sentiment. We get two thousand five hundred emails per month. Python 3.12.',
    expect: {
      language: 'python',
      requestsPerMonth: 2500,
      tools: ['translate_text', 'comprehend_analyze'],
      settings: { 'translate_text.defaultTargetLanguage': 'en' },
    },
  },
  {
    name: 'per week volume and under budget',
    description:
      'Draft weekly sales reports from Athena queries over our data lake. About 120 reports per week, under $50 a month. AgentCore please.',
    expect: {
      target: 'agentcore',
      targetSource: 'text',
      requestsPerMonth: 520,
      budgetUsd: 50,
      tools: ['athena_query'],
      asks: ['toolConfig.athena_query.database', 'toolConfig.athena_query.resultsBucket'],
    },
  },
  {
    name: 'per hour volume',
    description:
      'A chatbot on our website that answers product questions from the product docs, 100 requests per hour, always on.',
    expect: { target: 'ecs-fargate', requestsPerMonth: 72_000, tools: ['knowledge_base_retrieve'] },
  },
  {
    name: 'shell tool rules out Lambda',
    description: 'A DevOps helper that runs shell commands to inspect our build servers.',
    expect: { target: 'agentcore', targetSource: 'recommendation', tools: ['shell'] },
  },
  {
    name: 'high volume recommends Fargate',
    description: 'FAQ bot for a bank, 1.5M questions per month, answers from the FAQ.',
    expect: {
      target: 'ecs-fargate',
      targetSource: 'recommendation',
      requestsPerMonth: 1_500_000,
      tools: ['knowledge_base_retrieve'],
    },
  },
  {
    name: 'light volume recommends Lambda',
    description: 'Calculate shipping quotes for our sales team. 800 quotes a month.',
    expect: {
      target: 'lambda',
      targetSource: 'recommendation',
      requestsPerMonth: 800,
      tools: ['calculator'],
    },
  },
  {
    name: 'email from address',
    description:
      'Send appointment reminders by email from reminders@clinic.example.org, with the current date. TypeScript.',
    expect: {
      language: 'typescript',
      tools: ['ses_send_email', 'current_time'],
      settings: { 'ses_send_email.fromAddress': 'reminders@clinic.example.org' },
      suggests: { 'toolConfig.ses_send_email.fromIdentity': 'clinic.example.org' },
    },
  },
  {
    name: 'memory and web search',
    description:
      'A personal research assistant that can search the web and remember past sessions with each user. $100/mo.',
    expect: { budgetUsd: 100, tools: ['tavily_search', 'agent_core_memory'] },
  },
  {
    name: 'scanned invoices',
    description:
      'Read scanned invoices with Textract, pull out totals and put them on the finance SQS queue. Python. 10k invoices monthly.',
    expect: {
      language: 'python',
      requestsPerMonth: 10_000,
      tools: ['textract_document', 'sqs_send_message'],
      asks: ['toolConfig.sqs_send_message.queueName'],
      suggests: { 'toolConfig.sqs_send_message.queueName': 'finance' },
    },
  },
  {
    name: 'SNS topic ARN',
    description:
      'Watch CloudWatch metrics and publish an alert to arn:aws:sns:us-east-1:123456789012:ops-alerts when something looks wrong.',
    expect: {
      tools: ['cloudwatch_metrics', 'sns_publish'],
      settings: { 'sns_publish.topicArn': 'arn:aws:sns:us-east-1:123456789012:ops-alerts' },
    },
  },
  {
    name: 'S3 URI',
    description:
      'Summarise the contracts under s3://legal-archive/contracts/2026 for the legal team, in TypeScript.',
    expect: {
      language: 'typescript',
      tools: ['s3_objects'],
      settings: { 's3_objects.bucket': 'legal-archive', 's3_objects.prefix': 'contracts/2026' },
    },
  },
  {
    name: 'EventBridge bus',
    description: 'Classify incoming tickets and emit events on the orders-events event bus. Lambda.',
    expect: {
      target: 'lambda',
      tools: ['eventbridge_put_events'],
      suggests: { 'toolConfig.eventbridge_put_events.eventBusName': 'orders-events' },
    },
  },
  {
    name: 'Step Functions',
    description:
      'Kick off our onboarding state machine in Step Functions when HR asks, and report its status. 50 runs a month.',
    expect: { requestsPerMonth: 50, tools: ['step_functions_start'] },
  },
  {
    name: 'Kendra and OpenSearch',
    description: 'Search our Kendra index and the OpenSearch product catalogue to answer sales engineers.',
    expect: { tools: ['kendra_retrieve', 'opensearch_search'] },
  },
  {
    name: 'speak aloud (Python only)',
    description: 'A kiosk helper that can speak aloud the answer. Python.',
    expect: { language: 'python', tools: ['speak'] },
  },
  {
    name: 'image generation in Python',
    description: 'Generate images for our marketing posts. Python, about 300 images a month.',
    expect: {
      language: 'python',
      requestsPerMonth: 300,
      tools: ['generate_image'],
      notTools: ['image_reader'],
    },
  },
  {
    name: 'git repository (Python MCP)',
    description: 'Review the latest commits in our git repository and summarise them, written in Python.',
    expect: { language: 'python', tools: ['mcp_git'], asks: ['toolConfig.mcp_git.repository'] },
  },
  {
    name: 'git repository in TypeScript is explained, not picked',
    description: 'Review commits in our git repository. TypeScript.',
    expect: { language: 'typescript', notTools: ['mcp_git'] },
  },
  {
    name: 'run code',
    description:
      'Data analysis assistant: run code on the CSV files people upload and plot charts. JavaScript.',
    expect: { language: 'typescript', tools: ['code_interpreter'] },
  },
  {
    name: 'negation',
    description: 'Answer billing questions from our help center docs. No Slack, no email. Deploy on Fargate.',
    expect: {
      target: 'ecs-fargate',
      tools: ['knowledge_base_retrieve'],
      notTools: ['slack_post_message', 'ses_send_email'],
    },
  },
  {
    name: 'invoke a Lambda function is a tool, not the target',
    description:
      'Invoke our Lambda function named price-engine to price orders, deployed on AgentCore Runtime.',
    expect: {
      target: 'agentcore',
      tools: ['lambda_invoke'],
      settings: { 'lambda_invoke.functionName': 'price-engine' },
    },
  },
  {
    name: 'pandas hint',
    description: 'Clean up spreadsheets with pandas and explain the results.',
    expect: { language: 'python', tools: ['code_interpreter'] },
  },
  {
    name: 'per day with "daily"',
    description: 'Answer IT helpdesk questions, 250 tickets daily, from the internal wiki.',
    expect: { requestsPerMonth: 7500, tools: ['knowledge_base_retrieve'] },
  },
  {
    name: 'yearly budget',
    description: 'A recipe assistant that can calculate portions. Budget of $1,200 per year.',
    expect: { budgetUsd: 100, tools: ['calculator'] },
  },
  {
    name: 'remote MCP server',
    description: 'Connect to our MCP server at https://tools.example.com/mcp and use its tools. TypeScript.',
    expect: {
      language: 'typescript',
      tools: ['mcp_remote'],
      settings: { 'mcp_remote.url': 'https://tools.example.com/mcp' },
    },
  },
  {
    name: 'conversation corrects the language and adds volume',
    description: 'A helpdesk agent for our IT team that answers from the internal docs.',
    messages: [
      'We will write it in Python.',
      'Actually, make it TypeScript, our team knows Node.',
      'Expect about 3k tickets per month and keep it below $300 per month.',
    ],
    expect: {
      language: 'typescript',
      requestsPerMonth: 3000,
      budgetUsd: 300,
      tools: ['knowledge_base_retrieve'],
    },
  },
  {
    name: 'conversation adds a tool and its setting',
    description: 'A team assistant that answers questions about our product roadmap from the wiki.',
    messages: ['It should also post a summary to Slack, in #product-updates.'],
    expect: {
      tools: ['knowledge_base_retrieve', 'slack_post_message'],
      settings: { 'slack_post_message.defaultChannel': '#product-updates' },
    },
  },
  {
    name: 'terse',
    description: 'slack bot. python. lambda. 5k/mo',
    expect: { language: 'python', target: 'lambda', requestsPerMonth: 5000, tools: ['slack_post_message'] },
  },
  {
    name: 'non-native phrasing',
    description:
      'Agent must make translation of product descriptions to German and search in internet for competitor prices, we have maybe 20000 requests in month.',
    expect: {
      requestsPerMonth: 20_000,
      tools: ['translate_text', 'tavily_search'],
      settings: { 'translate_text.defaultTargetLanguage': 'de' },
    },
  },
];
