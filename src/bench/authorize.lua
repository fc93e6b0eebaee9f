-- wrk: GET /authorize (or $AUTH_PATH, e.g. /authorize?token=1) with X-API-Key taken in turn from $KEYS_FILE (one key
-- per line); prints p99.9 at the end
local path = os.getenv("AUTH_PATH") or "/authorize"
local keys = {}
for line in io.lines(os.getenv("KEYS_FILE")) do keys[#keys + 1] = line end
local n = #keys -- counted once: '#' on a table is a binary search (costly on a million entries)
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "spread.lua")
local i = 0
function init(args)
  i = start_index(n)
end
request = function()
  i = i % n + 1
  return wrk.format("GET", path, {["X-API-Key"] = keys[i]})
end
done = function(summary, latency, requests)
  io.write(string.format("p99.9_us %d\n", latency:percentile(99.9)))
end
