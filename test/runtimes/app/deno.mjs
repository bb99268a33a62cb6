// Deno: Deno.serve with the app as its handler.
import { app } from "./app.mjs";

Deno.serve(
  { port: 0, hostname: "127.0.0.1", onListen: ({ port }) => console.log(JSON.stringify({ port, runtime: `deno ${Deno.version.deno}` })) },
  app,
);
