-- wrk script: POST a tool call with the bench token (read from the environment of wrk only).
-- With BENCH_MCP_METHOD set, the request carries the headers a 2026-07-28 MCP client sends.
wrk.method = os.getenv("BENCH_METHOD") or "POST"
wrk.body = os.getenv("BENCH_BODY") or "{}"
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("BENCH_TOKEN")
if token then wrk.headers["Authorization"] = "Bearer " .. token end
local mcpMethod = os.getenv("BENCH_MCP_METHOD")
if mcpMethod then
  wrk.headers["Accept"] = "application/json, text/event-stream"
  wrk.headers["MCP-Protocol-Version"] = "2026-07-28"
  wrk.headers["Mcp-Method"] = mcpMethod
  local name = os.getenv("BENCH_MCP_NAME")
  if name then wrk.headers["Mcp-Name"] = name end
end
