/**
 * Type-level: `createEceClient` takes OpenTelemetry's own `Tracer` (the API's, not a look-alike),
 * so `tracer: trace.getTracer("app")` compiles without a cast.
 */
import { trace } from "@opentelemetry/api";
import { expectTypeOf, it } from "vitest";
import { createEceClient, type EceClientOptions } from "../../src/index.js";

it("takes the real Tracer type", () => {
  const tracer = trace.getTracer("typed");
  expectTypeOf(tracer).toExtend<NonNullable<EceClientOptions["tracer"]>>();
  expectTypeOf(createEceClient).toBeCallableWith({ baseUrl: "http://x.example", accessToken: "t", tracer });
});
