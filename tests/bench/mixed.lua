-- wrk script: mixed GraphQL reads and writes against egov-rank, used by mixed-load.sh and
-- pg-restart.sh (see them for what is checked).
--
-- Environment:
--   BENCH_DIR            folder for the per-thread files below (required)
--   BENCH_TOKEN          editor token for the writes (required)
--   WRITE_PERCENT        share of writes, in percent (default 10)
--   BENCH_JURISDICTIONS  space-separated jurisdiction codes (default synthetic-01 .. synthetic-05)
--   BENCH_YEARS          years the reads ask about, `A-B` (default 2016-2025)
--
-- Each request picks a jurisdiction at random, then:
--   reads (100 - WRITE_PERCENT %): ranking (random year and tier, 20 rows), compareYears (year
--     before -> year), or one provincial agency's series, a third each;
--   writes: upsertAgency creating a commune agency with a unique code `bench-t<thread>-n<counter>-
--     r<random>`, or publishDecision with a unique number `B-t<thread>-n<counter>-r<random>/QĐ-BENCH`,
--     alternately.
-- An answer is an error when its status is not 200 or its body has a non-empty `errors` list
-- (top-level, or a mutation payload's). A write is acknowledged when its answer is 200 without
-- errors: its code or number (read back from the answer) is appended to
-- BENCH_DIR/acked-agencies-<thread>.txt or acked-decisions-<thread>.txt at once.
-- BENCH_DIR/timeline-<thread>.txt gets `<unix second> <ok> <errors>` per second with answers;
-- BENCH_DIR/errors-<thread>.txt the first 20 error answers. done() prints `RESULT key=value` lines.

local dir = assert(os.getenv("BENCH_DIR"), "BENCH_DIR is needed")
local token = assert(os.getenv("BENCH_TOKEN"), "BENCH_TOKEN is needed")
local write_share = tonumber(os.getenv("WRITE_PERCENT") or "10") / 100
local jurisdictions = {}
for j in string.gmatch(os.getenv("BENCH_JURISDICTIONS") or
    "synthetic-01 synthetic-02 synthetic-03 synthetic-04 synthetic-05", "%S+") do
  table.insert(jurisdictions, j)
end
local years_from, years_to = string.match(os.getenv("BENCH_YEARS") or "2016-2025", "(%d+)-(%d+)")
years_from, years_to = tonumber(years_from), tonumber(years_to)
local tiers = { "PROVINCIAL", "DISTRICT", "COMMUNE" }
local series_codes = { "so-tai-chinh", "so-y-te", "so-noi-vu", "so-tu-phap", "so-xay-dung",
  "so-cong-thuong", "so-du-lich", "thanh-tra-tinh", "ban-dan-toc", "so-ngoai-vu" }

local q_ranking = [[query($j: String, $y: Int!, $t: Tier!) { ranking(year: $y, tier: $t, first: 20, jurisdiction: $j) { totalCount nodes { rank tiedWith agency { code name } ratePercent convertedScore level { code } } } }]]
local q_compare = [[query($j: String, $f: Int!, $y: Int!, $t: Tier!) { compareYears(from: $f, to: $y, tier: $t, first: 20, jurisdiction: $j) { totalCount nodes { agency { code } rankChange levelDirection ratePercentChange from { rank } to { rank } } } }]]
local q_series = [[query($j: String, $c: String!) { agency(code: $c, jurisdiction: $j) { name results { year rank ratePercent convertedScore level { code } } } }]]
local q_agency = [[mutation($j: String, $c: String, $n: String!) { upsertAgency(input: {code: $c, name: $n, tier: COMMUNE, jurisdiction: $j}) { created agency { code name } errors { code message } } }]]
local q_decision = [[mutation($j: String, $n: String!) { publishDecision(input: {number: $n, jurisdiction: $j, title: "bench"}) { decision { number } errors { code message } } }]]

-- Main state: number the threads.
local threads = {}
local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

-- Thread state. The counters are globals so that done() can read them with thread:get.
local counter = 0
local acked_agencies, acked_decisions, errors_file, timeline
local second, second_ok, second_err = 0, 0, 0
function init(args)
  math.randomseed(os.time() * 1000 + tid * 7919)
  acked_agencies = io.open(dir .. "/acked-agencies-" .. tid .. ".txt", "w")
  acked_decisions = io.open(dir .. "/acked-decisions-" .. tid .. ".txt", "w")
  errors_file = io.open(dir .. "/errors-" .. tid .. ".txt", "w")
  timeline = io.open(dir .. "/timeline-" .. tid .. ".txt", "w")
  reads, agency_writes, decision_writes = 0, 0, 0
  responses, ok_agencies, ok_decisions, non200, graphql_errors = 0, 0, 0, 0, 0
end

local function post(query, variables, auth)
  local body = '{"query":' .. string.format("%q", query) .. ',"variables":' .. variables .. '}'
  local headers = { ["Content-Type"] = "application/json" }
  if auth then headers["Authorization"] = "Bearer " .. token end
  return wrk.format("POST", "/graphql", headers, body)
end

function request()
  local j = jurisdictions[math.random(#jurisdictions)]
  if math.random() < write_share then
    counter = counter + 1
    local unique = string.format("t%d-n%d-r%d", tid, counter, math.random(1, 999999))
    if counter % 2 == 0 then
      agency_writes = agency_writes + 1
      return post(q_agency, string.format('{"j":"%s","c":"bench-%s","n":"Xã Bench %s"}', j, unique, unique), true)
    else
      decision_writes = decision_writes + 1
      return post(q_decision, string.format('{"j":"%s","n":"B-%s/QĐ-BENCH"}', j, unique), true)
    end
  end
  reads = reads + 1
  local y = math.random(years_from, years_to)
  local t = tiers[math.random(#tiers)]
  local pick = math.random(3)
  if pick == 1 then
    return post(q_ranking, string.format('{"j":"%s","y":%d,"t":"%s"}', j, y, t))
  elseif pick == 2 then
    return post(q_compare, string.format('{"j":"%s","f":%d,"y":%d,"t":"%s"}', j, y - 1, y, t))
  else
    return post(q_series, string.format('{"j":"%s","c":"%s"}', j, series_codes[math.random(#series_codes)]))
  end
end

local function tick(ok)
  local now = os.time()
  if now ~= second then
    if second ~= 0 then
      timeline:write(second, " ", second_ok, " ", second_err, "\n")
      timeline:flush()
    end
    second, second_ok, second_err = now, 0, 0
  end
  if ok then second_ok = second_ok + 1 else second_err = second_err + 1 end
end

function response(status, headers, body)
  responses = responses + 1
  local failed = false
  if status ~= 200 then
    non200 = non200 + 1
    failed = true
  elseif body:find('"errors":[{', 1, true) then
    graphql_errors = graphql_errors + 1
    failed = true
  end
  tick(not failed)
  if failed then
    if non200 + graphql_errors <= 20 then
      errors_file:write(os.time(), " ", status, " ", string.sub(body, 1, 400), "\n")
      errors_file:flush()
    end
    return
  end
  if body:find('"upsertAgency"', 1, true) then
    local code = body:match('"code":"(bench%-[^"]+)"')
    if code and body:find('"created":true', 1, true) then
      ok_agencies = ok_agencies + 1
      acked_agencies:write(code, "\n")
      acked_agencies:flush()
    end
  elseif body:find('"publishDecision"', 1, true) then
    local number = body:match('"number":"([^"]+)"')
    if number then
      ok_decisions = ok_decisions + 1
      acked_decisions:write(number, "\n")
      acked_decisions:flush()
    end
  end
end

function done(summary, latency, requests)
  local t = { reads = 0, agency_writes = 0, decision_writes = 0, responses = 0, ok_agencies = 0,
    ok_decisions = 0, non200 = 0, graphql_errors = 0 }
  for _, thread in ipairs(threads) do
    for key, _ in pairs(t) do t[key] = t[key] + (thread:get(key) or 0) end
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("RESULT sent_reads=%d sent_agency_writes=%d sent_decision_writes=%d responses=%d\n",
    t.reads, t.agency_writes, t.decision_writes, t.responses))
  io.write(string.format("RESULT acked_agencies=%d acked_decisions=%d non200=%d graphql_errors=%d\n",
    t.ok_agencies, t.ok_decisions, t.non200, t.graphql_errors))
  io.write(string.format("RESULT socket_connect=%d socket_read=%d socket_write=%d socket_timeout=%d wrk_status=%d\n",
    e.connect, e.read, e.write, e.timeout, e.status))
end
