-- The one wrk script of `make bench` (bench/run.py), for every endpoint, so that the client
-- does the same work whatever it measures:
--
--   wrk -t2 -c16 -d5s --latency --timeout 30s -s bench/wrk/cycle.lua http://127.0.0.1:PORT -- REQUESTS_FILE 2
--
-- REQUESTS_FILE (written by bench/run.py), one item a line, fields separated by tabs:
--   H <tab> Name <tab> value                    a header sent with every request
--   R <tab> METHOD <tab> /path?query [<tab> body]   a request; the list is cycled through
-- Each thread starts at its own place in the list. Every request is formatted once, in
-- init(); request() only hands the next one over.
--
-- done() prints one line, "BENCH-JSON {...}": requests, duration (s), rps, latency
-- percentiles (ms), wrk's socket errors, and the count of responses per HTTP status,
-- summed over the threads (each thread counts its own in response(); setup() keeps the
-- threads so that done() can read their counts with thread:get).

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("thread_number", #threads)
end

local requests = {}
local position = 0
statuses = {}

local function split_tabs(line)
   local fields = {}
   for field in (line .. "\t"):gmatch("([^\t]*)\t") do
      table.insert(fields, field)
   end
   return fields
end

function init(args)
   local file = args[1]
   if not file then
      error("cycle.lua needs the requests file: wrk ... -s cycle.lua URL -- FILE THREADS")
   end
   local headers = {}
   local items = {}
   for line in io.lines(file) do
      local fields = split_tabs(line)
      if fields[1] == "H" then
         headers[fields[2]] = fields[3]
      elseif fields[1] == "R" then
         table.insert(items, {method = fields[2], path = fields[3], body = fields[4]})
      end
   end
   if #items == 0 then
      error("no request in " .. file)
   end
   for _, item in ipairs(items) do
      local item_headers = {}
      for name, value in pairs(headers) do
         item_headers[name] = value
      end
      if item.body and item.body ~= "" then
         item_headers["Content-Length"] = tostring(#item.body)
      else
         item.body = nil
      end
      table.insert(requests, wrk.format(item.method, item.path, item_headers, item.body))
   end
   -- Spread the threads over the list: thread k of n starts (k-1)/n of the way in.
   local number = thread_number or 1
   local count = tonumber(args[2]) or 1
   position = math.floor((number - 1) * #requests / count)
end

function request()
   position = position % #requests + 1
   return requests[position]
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, _)
   local counts = {}
   for _, thread in ipairs(threads) do
      local theirs = thread:get("statuses") or {}
      for status, count in pairs(theirs) do
         counts[status] = (counts[status] or 0) + count
      end
   end
   local status_parts = {}
   for status, count in pairs(counts) do
      table.insert(status_parts, string.format('"%d": %d', status, count))
   end
   local seconds = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format(
      'BENCH-JSON {"requests": %d, "duration": %.6f, "rps": %.3f, "bytes": %d, ' ..
      '"latency_ms": {"p50": %.3f, "p75": %.3f, "p90": %.3f, "p95": %.3f, "p99": %.3f, "mean": %.3f, "max": %.3f}, ' ..
      '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, "wrk_status_errors": %d, ' ..
      '"statuses": {%s}}\n',
      summary.requests, seconds, summary.requests / seconds, summary.bytes,
      latency:percentile(50) / 1000, latency:percentile(75) / 1000, latency:percentile(90) / 1000,
      latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.mean / 1000, latency.max / 1000,
      e.connect, e.read, e.write, e.timeout, e.status,
      table.concat(status_parts, ", ")))
end
