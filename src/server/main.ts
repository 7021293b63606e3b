#!/usr/bin/env node
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createServer } from './server.js';

// stdout carries the protocol; anything for a person goes to stderr (Claude Desktop keeps it in its MCP log).
const server = createServer();
await server.connect(new StdioServerTransport());
process.stderr.write('kartra-twenty-mcp: ready on stdio\n');
