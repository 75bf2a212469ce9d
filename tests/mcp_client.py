#!/usr/bin/env python3
"""A real MCP client we did not write (the `mcp` SDK from PyPI) driving `kubectl claude mcp`.

Usage: mcp_client.py SCENARIO BINARY [SERVER ARGS...]

SCENARIO says how the client answers elicitations:
  accept   -- declares elicitation and approves
  decline  -- declares elicitation and declines
  none     -- does not declare the elicitation capability at all

Reads a JSON list of calls on stdin: [{"tool": NAME, "arguments": {...}}, ...] (a call named
"__list_tools__" or "__list_prompts__" lists instead; "__get_prompt__" gets the prompt named in
arguments.name). Prints one JSON document: {"tools": [...], "calls": [...], "elicitations": [...]}.
The server inherits this process's environment (KUBECONFIG, HOME, KCLAUDE_NOW).
"""

import asyncio
import json
import os
import sys

import mcp.types as types
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


async def main() -> None:
    scenario, binary, server_args = sys.argv[1], sys.argv[2], sys.argv[3:]
    calls = json.load(sys.stdin)
    elicitations = []

    async def on_elicit(context, params):
        elicitations.append({"message": params.message,
                             "schema": getattr(params, "requestedSchema", None)})
        if scenario == "accept":
            return types.ElicitResult(action="accept", content={"approve": True})
        return types.ElicitResult(action="decline")

    params = StdioServerParameters(command=binary, args=server_args, env=dict(os.environ))
    out = {"calls": [], "elicitations": elicitations}
    async with stdio_client(params) as (read, write):
        async with ClientSession(
            read,
            write,
            elicitation_callback=on_elicit if scenario in ("accept", "decline") else None,
            client_info=types.Implementation(name="py-test-client", version="1.0"),
        ) as session:
            await session.initialize()
            for call in calls:
                name = call["tool"]
                if name == "__list_tools__":
                    tools = await session.list_tools()
                    out["calls"].append({"tools": [t.model_dump(mode="json") for t in tools.tools]})
                elif name == "__list_prompts__":
                    prompts = await session.list_prompts()
                    out["calls"].append({"prompts": [p.name for p in prompts.prompts]})
                elif name == "__get_prompt__":
                    p = await session.get_prompt(call["arguments"]["name"],
                                                 call["arguments"].get("arguments"))
                    out["calls"].append({"prompt": p.messages[0].content.text})
                else:
                    r = await session.call_tool(name, call.get("arguments") or {})
                    out["calls"].append({
                        "tool": name,
                        "isError": bool(r.isError),
                        "structured": r.structuredContent,
                        "text": "\n".join(c.text for c in r.content if c.type == "text"),
                    })
    print(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main())
