-- wrk: POST /verify {"key": ...} with keys taken in turn from $KEYS_FILE
local keys = {}
for line in io.lines(os.getenv("KEYS_FILE")) do keys[#keys + 1] = line end
local n = #keys -- counted once: '#' on a table is a binary search (costly on a million entries)
local i = math.random(n)
request = function()
  i = i % n + 1
  return wrk.format("POST", "/verify", {["Content-Type"] = "application/json"}, '{"key":"' .. keys[i] .. '"}')
end
