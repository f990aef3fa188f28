-- wrk script for bench/resolver.sh: each request scans a random stamp of the paths file.
-- PATHS: the file (one path per line); ACCEPT: the Accept header (application/json, text/html).
local paths = {}
local file = os.getenv("PATHS") or "/tmp/tracehub-resolver/paths.txt"
for line in io.lines(file) do
  paths[#paths + 1] = line
end
local accept = os.getenv("ACCEPT") or "application/json"
math.randomseed(os.time())

request = function()
  local path = paths[math.random(#paths)]
  return wrk.format("GET", path, { ["Accept"] = accept, ["Accept-Language"] = "zh-CN" })
end
