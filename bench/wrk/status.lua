-- Counts answers whose status is not the expected one (BENCH_EXPECT, default 200).
-- wrk's own "Non-2xx or 3xx" line counts only statuses of 400 and above, so a redirect to
-- the sign-in page would pass for a fast page without this.
local expected = tonumber(os.getenv("BENCH_EXPECT") or "200")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  unexpected = 0
end

function response(status, headers, body)
  if status ~= expected then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local n = 0
  for _, thread in ipairs(threads) do
    n = n + thread:get("unexpected")
  end
  io.write(string.format("Unexpected statuses: %d\n", n))
end
