// ts-client.mjs drives an MCP server over stdio with the official TypeScript
// SDK client (@modelcontextprotocol/sdk, pinned in testdata/npm) and checks what
// comes back. It is written for @modelcontextprotocol/server-everything and is
// used by ward's end-to-end tests, directly and through `ward proxy`.
//
// Usage:
//   node ts-client.mjs [--expect-denied TOOL]... [--timeout-ms N] -- COMMAND [ARGS...]
//
// The client declares the sampling, elicitation and roots capabilities and
// answers the server's requests for them with fixed values, then runs the
// scenarios below. A scenario whose tool is named by --expect-denied is replaced
// by a denial check: the tool must be absent from tools/list, and calling it
// must fail with a JSON-RPC error whose message mentions ward.
//
// It prints one JSON report on stdout and exits 0 when every scenario passed,
// 1 when one failed, 2 on a usage error.

const sdkBase = new URL("../npm/node_modules/@modelcontextprotocol/sdk/dist/esm/", import.meta.url);
const sdk = (path) => import(new URL(path, sdkBase).href);

const { Client } = await sdk("client/index.js");
const { StdioClientTransport } = await sdk("client/stdio.js");
const {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  McpError,
} = await sdk("types.js");

// Fixed answers to the server's requests; the scenarios look for them in the
// tool results, which proves the answer made the round trip.
const SAMPLING_TEXT = "ward-e2e sampling answer 7f3a";
const ELICIT_NAME = "Ward E2E Tester";
const ROOT_URI = "file:///tmp/ward-e2e-root";

function usage(msg) {
  process.stderr.write(`ts-client: ${msg}\nusage: ts-client.mjs [--expect-denied TOOL]... [--timeout-ms N] -- COMMAND [ARGS...]\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { denied: new Set(), timeoutMs: 60000, command: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      opts.command = argv.slice(i + 1);
      break;
    } else if (a === "--expect-denied") {
      if (i + 1 >= argv.length) usage("--expect-denied needs a tool name");
      opts.denied.add(argv[++i]);
    } else if (a === "--timeout-ms") {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n <= 0) usage("--timeout-ms needs a positive integer");
      opts.timeoutMs = n;
    } else {
      usage(`unknown argument ${JSON.stringify(a)}`);
    }
  }
  if (opts.command.length === 0) usage("missing -- COMMAND");
  return opts;
}

const opts = parseArgs(process.argv.slice(2));

const report = {
  ok: false,
  command: opts.command,
  expectDenied: [...opts.denied],
  server: null,
  tools: [],
  prompts: [],
  resources: [],
  counters: { sampling: 0, elicitation: 0, roots: 0, progress: 0 },
  // Errors the SDK reports outside of any request, such as a response to an
  // unknown or cancelled request id. A transparent path produces none.
  clientErrors: [],
  // Progress notifications the SDK could not deliver because their request
  // had already ended. They are not failures: the SDK handles notifications
  // asynchronously and responses at once, so the last progress of a call can
  // lose the race with its result, and the server goes on reporting progress
  // of a call it was asked to cancel (the specification lets it). Both happen
  // without ward too.
  lateProgress: 0,
  scenarios: [],
};

function finish(code) {
  process.stdout.write(JSON.stringify(report, null, 2) + "\n", () => process.exit(code));
}

// A watchdog: a server (or proxy) that stops answering must not hang the test.
setTimeout(() => {
  report.scenarios.push({ name: "watchdog", ok: false, error: `no result within ${opts.timeoutMs} ms` });
  finish(1);
}, opts.timeoutMs).unref();

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

function textOf(result) {
  assert(Array.isArray(result?.content), `result has no content array: ${JSON.stringify(result)}`);
  return result.content.filter((c) => c.type === "text").map((c) => c.text).join("\n");
}

async function step(name, fn) {
  const start = performance.now();
  const entry = { name, ok: false, ms: 0 };
  try {
    const detail = await fn();
    entry.ok = true;
    if (detail !== undefined) entry.detail = detail;
  } catch (err) {
    entry.error = err instanceof Error ? err.message : String(err);
    if (err instanceof McpError) entry.code = err.code;
  }
  entry.ms = Math.round(performance.now() - start);
  report.scenarios.push(entry);
  return entry.ok;
}

const client = new Client(
  { name: "ward-e2e-ts-client", version: "1.0.0" },
  { capabilities: { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } } },
);

client.onerror = (err) => {
  const msg = err instanceof Error ? err.message : String(err);
  if (msg.startsWith("Received a progress notification for an unknown token")) {
    report.lateProgress++;
    return;
  }
  report.clientErrors.push(msg);
};

client.setRequestHandler(CreateMessageRequestSchema, async () => {
  report.counters.sampling++;
  return {
    model: "ward-e2e-model",
    role: "assistant",
    content: { type: "text", text: SAMPLING_TEXT },
    stopReason: "endTurn",
  };
});

client.setRequestHandler(ElicitRequestSchema, async () => {
  report.counters.elicitation++;
  return {
    action: "accept",
    content: { name: ELICIT_NAME, check: true, email: "ward@example.com", integer: 7 },
  };
});

client.setRequestHandler(ListRootsRequestSchema, async () => {
  report.counters.roots++;
  return { roots: [{ uri: ROOT_URI, name: "ward-e2e" }] };
});

const transport = new StdioClientTransport({
  command: opts.command[0],
  args: opts.command.slice(1),
  env: process.env,
  stderr: "inherit",
});

const requestOptions = { timeout: 30000 };

// toolStep runs fn for an allowed tool, or checks that the tool is denied.
async function toolStep(name, tool, fn) {
  if (opts.denied.has(tool)) {
    return step(`denied:${tool}`, () => expectDenied(tool));
  }
  return step(name, fn);
}

async function expectDenied(tool) {
  assert(!report.tools.includes(tool), `tool ${tool} is listed although it should be denied`);
  try {
    const result = await client.callTool({ name: tool, arguments: {} }, undefined, requestOptions);
    throw new Error(`call of denied tool ${tool} succeeded: ${JSON.stringify(result).slice(0, 200)}`);
  } catch (err) {
    if (!(err instanceof McpError)) throw err;
    assert(/ward/i.test(err.message), `call of ${tool} failed, but not by ward: code ${err.code}: ${err.message}`);
    return { code: err.code, message: err.message };
  }
}

async function main() {
  if (!(await step("initialize", async () => {
    await client.connect(transport, requestOptions);
    const info = client.getServerVersion();
    report.server = info;
    assert(info?.name === "mcp-servers/everything", `unexpected server ${JSON.stringify(info)}`);
    return info;
  }))) {
    return false;
  }

  await step("ping", async () => {
    await client.ping(requestOptions);
  });

  await step("tools/list", async () => {
    // The server registers the tools that depend on client capabilities when it
    // receives notifications/initialized, which the SDK sent before this.
    let cursor;
    const names = [];
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, requestOptions);
      names.push(...page.tools.map((t) => t.name));
      cursor = page.nextCursor;
    } while (cursor);
    report.tools = names;
    const want = [
      "echo",
      "get-sum",
      "get-env",
      "get-structured-content",
      "trigger-long-running-operation",
      "trigger-sampling-request",
      "trigger-elicitation-request",
      "get-roots-list",
    ].filter((n) => !opts.denied.has(n));
    for (const n of want) assert(names.includes(n), `tools/list lacks ${n}: ${names.join(", ")}`);
    for (const n of opts.denied) assert(!names.includes(n), `tools/list shows denied tool ${n}`);
    return { count: names.length };
  });

  await step("prompts/list", async () => {
    const { prompts } = await client.listPrompts(undefined, requestOptions);
    report.prompts = prompts.map((p) => p.name);
    assert(prompts.length > 0, "no prompts");
    return { count: prompts.length };
  });

  await step("resources/list+read", async () => {
    const { resources } = await client.listResources(undefined, requestOptions);
    report.resources = resources.map((r) => r.uri);
    assert(resources.length > 0, "no resources");
    const read = await client.readResource({ uri: resources[0].uri }, requestOptions);
    assert(read.contents?.length > 0, `resources/read ${resources[0].uri} returned no contents`);
    return { count: resources.length, read: resources[0].uri };
  });

  await toolStep("echo", "echo", async () => {
    const text = textOf(await client.callTool({ name: "echo", arguments: { message: "hello through ward ✓" } }, undefined, requestOptions));
    assert(text === "Echo: hello through ward ✓", `echo returned ${JSON.stringify(text)}`);
    return text;
  });

  await toolStep("get-sum", "get-sum", async () => {
    // 2^53+1 is not representable as a float64; a proxy must not round ids or
    // numbers it does not need to touch. Here the server itself does the
    // arithmetic in float64, so only check a small sum.
    const text = textOf(await client.callTool({ name: "get-sum", arguments: { a: 19, b: 23 } }, undefined, requestOptions));
    assert(text.includes("is 42"), `get-sum returned ${JSON.stringify(text)}`);
    return text;
  });

  await toolStep("structured-content", "get-structured-content", async () => {
    // The tool has an output schema, which the SDK checks against the result.
    const result = await client.callTool({ name: "get-structured-content", arguments: { location: "New York" } }, undefined, requestOptions);
    assert(result.structuredContent && typeof result.structuredContent === "object", "no structuredContent");
    return result.structuredContent;
  });

  await toolStep("progress", "trigger-long-running-operation", async () => {
    const seen = [];
    const result = await client.callTool(
      { name: "trigger-long-running-operation", arguments: { duration: 0.6, steps: 3 } },
      undefined,
      {
        ...requestOptions,
        onprogress: (p) => {
          report.counters.progress++;
          seen.push(p.progress);
        },
      },
    );
    const text = textOf(result);
    assert(text.includes("Long running operation completed"), `unexpected result ${JSON.stringify(text)}`);
    assert(seen.length >= 1, "no progress notification received");
    for (let i = 1; i < seen.length; i++) assert(seen[i] > seen[i - 1], `progress not increasing: ${seen}`);
    return { progress: seen };
  });

  await toolStep("sampling", "trigger-sampling-request", async () => {
    const before = report.counters.sampling;
    const text = textOf(await client.callTool({ name: "trigger-sampling-request", arguments: { prompt: "say hi", maxTokens: 16 } }, undefined, requestOptions));
    assert(report.counters.sampling === before + 1, "sampling handler was not called exactly once");
    assert(text.includes(SAMPLING_TEXT), `sampling answer not in result: ${JSON.stringify(text).slice(0, 300)}`);
    return "sampling answer relayed";
  });

  await toolStep("elicitation", "trigger-elicitation-request", async () => {
    const before = report.counters.elicitation;
    const text = textOf(await client.callTool({ name: "trigger-elicitation-request", arguments: {} }, undefined, requestOptions));
    assert(report.counters.elicitation === before + 1, "elicitation handler was not called exactly once");
    assert(text.includes(`Name: ${ELICIT_NAME}`), `elicitation answer not in result: ${JSON.stringify(text).slice(0, 300)}`);
    return "elicitation answer relayed";
  });

  await toolStep("roots", "get-roots-list", async () => {
    const text = textOf(await client.callTool({ name: "get-roots-list", arguments: {} }, undefined, requestOptions));
    assert(report.counters.roots >= 1, "roots/list handler was never called");
    assert(text.includes(ROOT_URI), `root not in result: ${JSON.stringify(text).slice(0, 300)}`);
    return "roots answer relayed";
  });

  await toolStep("cancel", "trigger-long-running-operation", async () => {
    // Cancel a running call at its first progress notification. The SDK sends
    // notifications/cancelled; the server then must not answer the call (and
    // the SDK would report an answer to a cancelled id as a client error).
    // Wait until the operation would have ended, then check the session still
    // works.
    const ac = new AbortController();
    const started = performance.now();
    let rejected = null;
    try {
      await client.callTool(
        { name: "trigger-long-running-operation", arguments: { duration: 1.2, steps: 4 } },
        undefined,
        { ...requestOptions, signal: ac.signal, onprogress: () => ac.abort("ward-e2e cancel") },
      );
    } catch (err) {
      rejected = err;
    }
    assert(rejected !== null, "cancelled call resolved instead of rejecting");
    const left = 1200 + 300 - (performance.now() - started);
    if (left > 0) await new Promise((r) => setTimeout(r, left));
    const text = textOf(await client.callTool({ name: "echo", arguments: { message: "after cancel" } }, undefined, requestOptions));
    assert(text === "Echo: after cancel", `echo after cancel returned ${JSON.stringify(text)}`);
    return String(rejected?.message ?? rejected);
  });

  // Every denied tool is checked, also those no scenario above uses.
  const covered = new Set(["echo", "get-sum", "get-structured-content", "trigger-long-running-operation", "trigger-sampling-request", "trigger-elicitation-request", "get-roots-list"]);
  for (const tool of opts.denied) {
    if (!covered.has(tool)) await step(`denied:${tool}`, () => expectDenied(tool));
  }

  return report.scenarios.every((s) => s.ok);
}

function checkClientErrors() {
  if (report.clientErrors.length > 0) {
    report.scenarios.push({ name: "client-errors", ok: false, error: report.clientErrors.join("; ") });
    return false;
  }
  return true;
}

let ok = false;
try {
  ok = await main();
} catch (err) {
  report.scenarios.push({ name: "driver", ok: false, error: err instanceof Error ? err.stack : String(err) });
}
try {
  await client.close();
} catch (err) {
  report.scenarios.push({ name: "close", ok: false, error: String(err) });
  ok = false;
}
ok = checkClientErrors() && ok;
report.ok = ok;
finish(ok ? 0 : 1);
