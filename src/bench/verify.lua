-- wrk: POST /verify {"key": ...} with keys taken in turn from $KEYS_FILE
local keys = {}
for line in io.lines(os.getenv("KEYS_FILE")) do keys[#keys + 1] = line end
local i = math.random(#keys)
request = function()
  i = i % #keys + 1
  return wrk.format("POST", "/verify", {["Content-Type"] = "application/json"}, '{"key":"' .. keys[i] .. '"}')
end
