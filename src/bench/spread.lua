-- Where each wrk thread starts in its key file (loaded by the other scripts here). Every wrk thread runs a script in a
-- Lua state of its own, and LuaJIT's math.random starts from the same seed in each: unseeded, both threads walked the
-- same keys in lockstep (the second asking for a key the first had just asked for), from the same key in every run.
-- So a run seeds from the clock once, and each thread starts a golden-ratio step of the file further on.
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

-- This thread's first index in [0, n); call it from init(), where the thread's id is known.
function start_index(n)
  math.randomseed(os.time())
  return (math.random(n) + math.floor(id * n * 0.6180339887)) % n
end
