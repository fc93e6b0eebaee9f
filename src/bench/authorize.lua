-- wrk: GET /authorize with X-API-Key taken in turn from $KEYS_FILE (one key per line)
local keys = {}
for line in io.lines(os.getenv("KEYS_FILE")) do keys[#keys + 1] = line end
local i = math.random(#keys)
request = function()
  i = i % #keys + 1
  return wrk.format("GET", "/authorize", {["X-API-Key"] = keys[i]})
end
