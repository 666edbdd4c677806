// An MCP client no one here wrote: the official TypeScript SDK's Client over Streamable HTTP,
// against the local API's /api/v1/mcp. It lists the tools, starts an agent run, polls it to its
// end and reads the result resource; it prints what it saw as one JSON line for the Java test.
// Usage: node mcp-client.mjs <base url> <access token> <workspace id>
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [base, token, workspaceId] = process.argv.slice(2);
const transport = new StreamableHTTPClientTransport(new URL('/api/v1/mcp', base), {
  requestInit: { headers: { Authorization: `Bearer ${token}` } },
});
const client = new Client({ name: 'devskyy-contract-check', version: '1.0.0' });
await client.connect(transport);

const seen = {
  protocolVersion: transport.protocolVersion,
  server: client.getServerVersion(),
  tools: (await client.listTools()).tools.map((t) => t.name),
  templates: (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate),
};

const started = await client.callTool({
  name: 'runs.start',
  arguments: {
    workspaceId,
    agent: 'marketing',
    goal: 'Plan the autumn launch email.',
    inputs: { season: 'autumn' },
    idempotencyKey: `mcp-${Date.now()}`,
  },
});
if (started.isError) throw new Error(`runs.start failed: ${JSON.stringify(started.content)}`);
const { runId, resultUri } = started.structuredContent;

let run;
const deadline = Date.now() + 60_000;
for (;;) {
  const got = await client.callTool({ name: 'runs.get', arguments: { workspaceId, runId } });
  if (got.isError) throw new Error(`runs.get failed: ${JSON.stringify(got.content)}`);
  run = got.structuredContent;
  if (['succeeded', 'failed', 'cancelled'].includes(run.status)) break;
  if (Date.now() > deadline) throw new Error(`the run is still ${run.status}`);
  await new Promise((resolve) => setTimeout(resolve, 200));
}
const resource = await client.readResource({ uri: resultUri });
const refused = await client.callTool({ name: 'runs.get', arguments: { workspaceId, runId: 'run_000000000000000000000000000000' } });

console.log(JSON.stringify({
  ...seen,
  runId,
  status: run.status,
  steps: run.steps.length,
  result: JSON.parse(resource.contents[0].text),
  mimeType: resource.contents[0].mimeType,
  unknownRunIsError: refused.isError === true,
}));
await client.close();
