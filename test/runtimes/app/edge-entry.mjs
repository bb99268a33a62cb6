// The edge function: the app as the fetch event's responder.
import { app } from "./app.mjs";

addEventListener("fetch", (event) => event.respondWith(app(event.request)));
