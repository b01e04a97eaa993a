-- wrk script: POST the body given in BODY (environment), with the client key in AUTH when set
wrk.method = "POST"
wrk.body = os.getenv("BODY")
wrk.headers["Content-Type"] = "application/json"
local auth = os.getenv("AUTH")
if auth then
  wrk.headers["Authorization"] = auth
end
