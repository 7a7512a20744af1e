import { describe, expect, it } from "vitest";
import { SseParser } from "./events";

describe("SseParser", () => {
  it("splits messages across chunks and skips keep-alive comments", () => {
    const p = new SseParser();
    expect(p.push(': keep-alive\n\nevent: turn\ndata: {"type":"tu')).toEqual([]);
    expect(p.push('rn"}\n\nevent: call_started\r\ndata: {"type":"call_started"}\r\n\r\n')).toEqual(['{"type":"turn"}', '{"type":"call_started"}']);
  });

  it("joins multi-line data", () => {
    expect(new SseParser().push("data: a\ndata: b\n\n")).toEqual(["a\nb"]);
  });
});
