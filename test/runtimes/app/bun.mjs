// Bun: Bun.serve with the app as its fetch handler.
import { app } from "./app.mjs";

const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app });
console.log(JSON.stringify({ port: server.port, runtime: `bun ${Bun.version}` }));
