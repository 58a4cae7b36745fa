-- The mixed workload (bench/mixed.py): cycles through the readers' requests, each thread
-- from another place. BENCH_MIXED names the Lua file bench/mixed.py wrote:
--   requests = { {p=path, a=token} | {p=path, c=cookie} | {w=writer}, ... }
--   writers  = { {token=, path=, body= (with @@MARK@@), chain=true|false, scope=}, ... }
-- A write slot ({w=i}) sends the next step of a draft this thread created (edit with
-- If-Match, then submit), read from the answers, or else a new draft by writer i.
-- 200 and 201 are expected; 409 and 412 (a write that lost a race) are counted apart and
-- allowed; any other status (a 5xx, a 4xx, a redirect to the sign-in page) is an error.
local data = dofile(os.getenv("BENCH_MIXED"))
local requests, writers = data.requests, data.writers
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  unexpected, conflicts, writes, server_errors = 0, 0, 0, 0
  counter = 0
  pending = {}
  -- Threads start far apart in the shuffled list.
  position = (((tid or 1) - 1) * 7919) % #requests
end

local function json_headers(token)
  return {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Accept-Language"] = "zh-hans",
  }
end

local function write(w)
  writes = writes + 1
  counter = counter + 1
  local key = string.format("mixed-%s-%d-%d", run, tid or 0, counter)
  local step = table.remove(pending, 1)
  if step == nil then
    local writer = writers[w]
    local headers = json_headers(writer.token)
    headers["Idempotency-Key"] = key
    local body = writer.body:gsub("@@MARK@@", string.format("MIXW%d-%s", w, key))
    return wrk.format("POST", writer.path, headers, body)
  end
  local writer = writers[step.w]
  local headers = json_headers(writer.token)
  headers["If-Match"] = '"' .. step.version .. '"'
  local item = writer.path .. step.id .. "/"
  if step.edit then
    local title = string.format("压测草稿（修订） MIXE%d-%s", step.w, key)
    return wrk.format("PATCH", item, headers, string.format('{"title":"%s"}', title))
  end
  headers["Idempotency-Key"] = key
  return wrk.format("POST", item .. "submit/", headers,
    string.format('{"scope":"%s"}', writer.scope))
end

function request()
  position = position % #requests + 1
  local r = requests[position]
  if r.w then
    return write(r.w)
  end
  local headers = { ["Accept-Language"] = "zh-hans" }
  if r.a then
    headers["Authorization"] = "Bearer " .. r.a
  end
  if r.c then
    headers["Cookie"] = r.c
  end
  return wrk.format("GET", r.p, headers)
end

function response(status, headers, body)
  if status == 409 or status == 412 then
    conflicts = conflicts + 1
    return
  end
  if status ~= 200 and status ~= 201 then
    unexpected = unexpected + 1
    if status >= 500 then
      server_errors = server_errors + 1
    end
    return
  end
  -- An item answered (a write's answer starts like this; lists start with "next"): is it a
  -- draft of ours that has a next step?
  if body == nil or body:sub(1, 6) ~= '{"id":' then
    return
  end
  local stage, w = body:match("MIX([WE])(%d+)%-")
  if stage == nil or not body:find('"status":"draft"', 1, true) then
    return
  end
  w = tonumber(w)
  if not writers[w].chain then
    return
  end
  table.insert(pending, {
    w = w,
    id = body:match('^{"id":(%d+)'),
    version = body:match('"version":(%d+)'),
    edit = stage == "W",
  })
end

function done(summary, latency, requests)
  local n, c, s, m = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    n = n + thread:get("unexpected")
    c = c + thread:get("conflicts")
    s = s + thread:get("server_errors")
    m = m + thread:get("writes")
  end
  io.write(string.format("Unexpected statuses: %d\n", n))
  io.write(string.format("Server errors: %d\n", s))
  io.write(string.format("Conflicts: %d\n", c))
  io.write(string.format("Writes: %d\n", m))
end
