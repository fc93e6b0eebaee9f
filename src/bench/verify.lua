-- wrk: POST /verify {"key": ...} with keys taken in turn from $KEYS_FILE
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
  return wrk.format("POST", "/verify", {["Content-Type"] = "application/json"}, '{"key":"' .. keys[i] .. '"}')
end
