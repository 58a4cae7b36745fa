-- A partner department submits a new case: POST /api/v1/cases/ with a fresh
-- Idempotency-Key and external reference on every request (wrk calls request() each time).
local counter = 0
local threads = 0
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local token = os.getenv("BENCH_TOKEN")
local owner = os.getenv("BENCH_DEPARTMENT") or "440600-fgj"

local all_threads = {}

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
  table.insert(all_threads, thread)
end

function init(args)
  unexpected = 0
end

-- Every submission must be created (201); anything else is counted and fails the run.
function response(status, headers, body)
  if status ~= 201 then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local n = 0
  for _, thread in ipairs(all_threads) do
    n = n + thread:get("unexpected")
  end
  io.write(string.format("Unexpected statuses: %d\n", n))
end

local template = '{"owner":"%s","title":"投资项目审批改革案例 %s","background":"市发展改革局牵头，'
  .. '把投资项目审批事项整合到一个平台办理。","key_issues":"部门协同与数据共享。",'
  .. '"teaching_notes":"适用于营商环境专题班。","discussion_questions":"1. 改革的关键障碍是什么？",'
  .. '"domains":["business-environment"],"year":2025,"external_ref":"%s"}'

function request()
  counter = counter + 1
  local key = string.format("bench-%s-%d-%d", run, tid or 0, counter)
  local headers = {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Accept-Language"] = "zh-hans",
    ["Idempotency-Key"] = key,
  }
  return wrk.format("POST", nil, headers, string.format(template, owner, key, key))
end
