-- wrk script: POST the body given in BODY (environment), with the client key in AUTH when set and the
-- extra headers in HEADERS when set ("Name: value|Name2: value2", as bench/run gives them per target)
wrk.method = "POST"
wrk.body = os.getenv("BODY")
wrk.headers["Content-Type"] = "application/json"
local auth = os.getenv("AUTH")
if auth then
  wrk.headers["Authorization"] = auth
end
for header in string.gmatch(os.getenv("HEADERS") or "", "[^|]+") do
  local name, value = string.match(header, "^%s*([^:]-)%s*:%s*(.-)%s*$")
  if name and name ~= "" then
    wrk.headers[name] = value
  end
end
