-- wrk: GET /authorize with X-API-Key from $KEYS_FILE and an X-Pad header (ignored by the service) from $PAD_FILE, or
-- a constant pad of the same length when PAD_FILE is unset. With the same number of distinct strings touched per
-- request, a run over few keys and a run over a million do the same client-side work: the 1,000-key run reads its pad
-- from a million distinct lines, the million-key run its key. (LuaJIT interns strings: a file of 1,000 keys repeated
-- would touch only 1,000 distinct strings and make wrk itself faster.)
local keys, pads = {}, {}
for line in io.lines(os.getenv("KEYS_FILE")) do keys[#keys + 1] = line end
local padfile = os.getenv("PAD_FILE")
if padfile and padfile ~= "" then
  for line in io.lines(padfile) do pads[#pads + 1] = line end
end
-- lengths counted once: '#' on a Lua table is a binary search, which on a million entries costs wrk more than the
-- request itself
local nkeys, npads = #keys, #pads
local constant = string.rep("p", #keys[1])
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "spread.lua")
local i = 0
function init(args)
  i = start_index(1000000)
end
request = function()
  i = i + 1
  local pad = npads > 0 and pads[i % npads + 1] or constant
  return wrk.format("GET", "/authorize", {["X-API-Key"] = keys[i % nkeys + 1], ["X-Pad"] = pad})
end
