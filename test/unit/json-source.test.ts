/**
 * jsonSourceAt finds the text a value was written with: for any JSON, laid out with or without
 * whitespace, the text it returns for each path is a piece of that JSON which reads back as the
 * value JSON.parse put there; numbers keep their digits; a path that is not there is `undefined`.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonSourceAt } from "../../src/internal/wire.js";

type Path = (string | number)[];

/** Every path into `value` (itself included). */
function pathsOf(value: unknown, path: Path = []): Path[] {
  if (value === null || typeof value !== "object") return [path];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((item, i) => [i, item]) : Object.entries(value);
  return [path, ...entries.flatMap(([key, item]) => pathsOf(item, [...path, key]))];
}

const at = (value: unknown, path: Path): unknown => path.reduce((node: unknown, key) => (node as Record<string | number, unknown>)[key], value);

describe("jsonSourceAt", () => {
  it("gives, for every path of any JSON, text that reads back as the value there", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 1, "\t", " \r\n"), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        const parsed: unknown = JSON.parse(text);
        for (const path of pathsOf(parsed)) {
          const source = jsonSourceAt(text, path);
          expect(source).toBeDefined();
          expect(JSON.parse(source!)).toEqual(at(parsed, path));
          expect(text).toContain(source!);
        }
      }),
    );
  });

  it("keeps numbers and strings as written, takes the last of duplicate keys, and misses what is absent", () => {
    const text = ' { "a\\u0062" : [ 1.50 , -0, 1e3 ], "s": "x\\"}]", "d": 1, "d": 9007199254740993 } ';
    expect(jsonSourceAt(text, ["ab", 0])).toBe("1.50");
    expect(jsonSourceAt(text, ["ab", 1])).toBe("-0");
    expect(jsonSourceAt(text, ["ab", 2])).toBe("1e3");
    expect(jsonSourceAt(text, ["s"])).toBe('"x\\"}]"');
    expect(jsonSourceAt(text, ["d"])).toBe("9007199254740993");
    expect(jsonSourceAt(text, ["ab", 3])).toBeUndefined();
    expect(jsonSourceAt(text, ["s", 0])).toBeUndefined();
    expect(jsonSourceAt(text, ["missing"])).toBeUndefined();
  });
});
