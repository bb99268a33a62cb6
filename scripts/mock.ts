/**
 * `npm run mock`: a Prism mock of the spec on a free port, until Ctrl-C. Point a client at it
 * with `baseUrl: <printed URL>, apiRoot: "/"`; ask for a status with `Prefer: code=404`.
 */
import { startPrism } from "./prism.js";

const prism = await startPrism({
  onUnexpectedExit: (log) => {
    console.error(`Prism exited. Its log:\n${log}`);
    process.exit(1);
  },
});
console.log(`Prism mock of spec/ece-messaging.yaml: ${prism.url} (Ctrl-C to stop)`);
const stop = async (): Promise<void> => {
  await prism.stop();
  process.exit(0);
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
