// The Node.js floor of `npm run bench`: node:http + http.request, bodies piped both ways,
// no framework, no fetch, upstream keep-alive. Whatever Custos adds above this is Custos.
// (Modelled on shared/bench/node-passthrough.mjs.)  env: UPSTREAM (http://127.0.0.1:PORT), PORT
import http from "node:http";

const up = new URL(process.env.UPSTREAM || "http://127.0.0.1:18750");
const PORT = Number(process.env.PORT || 18751);
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
const HOP = ["host", "connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade"];

const server = http.createServer((req, res) => {
  const headers = { ...req.headers };
  for (const h of HOP) delete headers[h];
  const upReq = http.request({ host: up.hostname, port: up.port, path: req.url, method: req.method, headers, agent }, (upRes) => {
    for (const h of HOP) delete upRes.headers[h];
    res.writeHead(upRes.statusCode ?? 502, upRes.headers);
    upRes.pipe(res);
  });
  upReq.on("error", () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
  res.on("close", () => res.writableFinished || upReq.destroy()); // the client went away
  req.pipe(upReq);
});
server.listen(PORT, "127.0.0.1", () => console.log(`node-floor on 127.0.0.1:${PORT} -> ${up.origin}`));
for (const sig of ["SIGTERM", "SIGINT"]) process.once(sig, () => process.exit(0));
