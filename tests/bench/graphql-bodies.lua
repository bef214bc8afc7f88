-- wrk script: POSTs GraphQL request bodies to the URL's path, each request one line picked at
-- random from the file BODIES (one JSON body a line), for any GraphQL server (used by
-- peer.sh for egov-rank and PostGraphile alike).
--
-- GraphQL errors answer HTTP 200: the bodies carrying `"errors"` are counted per thread.
-- done() prints one line, every latency in milliseconds:
--   RESULT requests=N rps=R p50_ms=A p99_ms=B non2xx=N socket_errors=N graphql_errors=N

local path = assert(os.getenv("BODIES"), "BODIES (a file of request bodies) is needed")
local bodies = {}
local headers = { ["Content-Type"] = "application/json" }

local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  for line in io.lines(path) do
    if line ~= "" then table.insert(bodies, line) end
  end
  assert(#bodies > 0, path .. " holds no request body")
  math.randomseed(os.time() * 1000 + tid * 7919)
  graphql_errors = 0
end

function request()
  return wrk.format("POST", nil, headers, bodies[math.random(#bodies)])
end

function response(status, headers, body)
  if string.find(body, '"errors"', 1, true) then graphql_errors = graphql_errors + 1 end
end

function done(summary, latency, requests)
  local gql = 0
  for _, thread in ipairs(threads) do gql = gql + thread:get("graphql_errors") end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d socket_errors=%d graphql_errors=%d\n",
    summary.requests, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.status, e.connect + e.read + e.write + e.timeout, gql))
end
