// The benchmark's stand-in for ECE, in its own process so that it does not share the client's
// event loop: answers every sendmessage like ECE (200, an echoed message, keep-alive).
import { createServer } from "node:http";

const body = JSON.stringify({
  id: "3118908850",
  conversation: { id: "ca2c588e-1e31-405a-9888-e72bf7179186" },
  type: { value: "text/plain" },
  content: "Hello, I need help with my order.",
});
const token = JSON.stringify({ access_token: "bench-token", expires_in: 86400, token_type: "Bearer" });
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const payload = req.url.endsWith("/oauth2/token") ? token : body;
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) });
    res.end(payload);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => process.send?.({ port: server.address().port }));
process.on("disconnect", () => process.exit(0));
