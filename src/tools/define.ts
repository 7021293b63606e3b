/**
 * How a tool is written: a name, a description that tells the assistant when to use it and what to show the user,
 * zod input and output schemas, annotations that are true, and a `run` that returns a short summary for the chat plus
 * the structured result. `registerTool` turns it into an MCP tool: every result carries where writes go (live or
 * rehearsal), user mistakes become `isError` results with a sentence saying what to do, and anything else is logged
 * to stderr and answered without a stack trace.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { UserError } from '../errors.js';
import type { ServerContext } from '../server/context.js';
import { twentyTarget } from './params.js';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export type ToolDefinition<I extends z.ZodObject, O extends z.ZodObject> = {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  annotations: Required<Pick<ToolAnnotations, 'readOnlyHint' | 'destructiveHint' | 'idempotentHint' | 'openWorldHint'>>;
  run(input: z.infer<I>, ctx: ServerContext, extra: ToolExtra): Promise<{ summary: string; data: Omit<z.infer<O>, 'twenty'> }>;
};

export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(definition: ToolDefinition<I, O>): ToolDefinition<I, O> {
  return definition;
}

/** The most a result may weigh, in bytes as sent (Claude Desktop refuses results over 1 MB; a chat needs far less). */
export const MAX_RESULT_BYTES = 100_000;

export function errorResult(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

export function registerTool<I extends z.ZodObject, O extends z.ZodObject>(server: McpServer, ctx: ServerContext, tool: ToolDefinition<I, O>): void {
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: tool.input,
      outputSchema: tool.output.extend({ twenty: twentyTarget }),
      annotations: { title: tool.title, ...tool.annotations },
    },
    (async (input: z.infer<I>, extra: ToolExtra): Promise<CallToolResult> => {
      // Every answer, a refusal too, says where writes go: nobody must mistake the sandbox for their CRM.
      const heading = ctx.mode === 'rehearsal' ? '[rehearsal: the local sandbox, nothing is sent to any real Twenty workspace]\n' : `[${ctx.target()}]\n`;
      try {
        const { summary, data } = await tool.run(input, ctx, extra);
        const structured = { ...data, twenty: { mode: ctx.mode, target: ctx.target() } };
        const json = JSON.stringify(structured);
        // The JSON again as text, as the MCP spec asks, for clients that pass only text content to the model.
        const result: CallToolResult = { content: [{ type: 'text', text: `${heading}${summary}` }, { type: 'text', text: json }], structuredContent: structured };
        const bytes = Buffer.byteLength(JSON.stringify(result));
        if (bytes > MAX_RESULT_BYTES) {
          // a bug, not a user mistake: every tool bounds its lists
          process.stderr.write(`kartra-twenty-mcp: ${tool.name} built a result of ${bytes} bytes\n`);
          return errorResult(`${heading}${tool.name} built a result too large to send (${Math.round(bytes / 1000)} kB). This is a bug in kartra-twenty-mcp; the files under MIGRATION_HOME hold the full data.`);
        }
        return result;
      } catch (error) {
        if (error instanceof UserError) return errorResult(`${heading}${error.message}`);
        process.stderr.write(`kartra-twenty-mcp: ${tool.name} failed: ${(error as Error)?.stack ?? String(error)}\n`);
        return errorResult(`${heading}${tool.name} failed unexpectedly: ${(error as Error)?.message ?? String(error)}. This is a bug in kartra-twenty-mcp; the server's log has the details.`);
      }
    }) as never,
  );
}
