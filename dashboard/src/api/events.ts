import { authHeaders, check } from "./client";
import type { LiveEvent } from "./types";

/**
 * Splits a Server-Sent Events byte stream into the `data` of each message. Keeps the partial
 * message between chunks; comments (keep-alives) and other fields are skipped.
 */
export class SseParser {
  private buffer = "";

  push(chunk: string): string[] {
    this.buffer += chunk.replace(/\r\n?/g, "\n");
    const out: string[] = [];
    let end: number;
    while ((end = this.buffer.indexOf("\n\n")) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const data = block
        .split("\n")
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(line[5] === " " ? 6 : 5));
      if (data.length) out.push(data.join("\n"));
    }
    return out;
  }
}

/**
 * Follows `GET /api/events` (fetch with the key in the Authorization header: EventSource
 * cannot send one) and hands each batch of events to `onEvents`, reconnecting with backoff
 * after a drop. `onState` tells whether the stream is connected. Returns a stop function.
 */
export function followEvents(
  onEvents: (events: LiveEvent[]) => void,
  onState: (connected: boolean) => void,
  path = "/api/events",
): () => void {
  const abort = new AbortController();
  let delay = 500;
  const run = async () => {
    while (!abort.signal.aborted) {
      try {
        const response = await check(await fetch(path, { headers: authHeaders({ accept: "text/event-stream" }), signal: abort.signal }));
        if (!response.body) throw new Error("no body");
        onState(true);
        delay = 500;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        const parser = new SseParser();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const events: LiveEvent[] = [];
          for (const data of parser.push(value)) {
            try {
              events.push(JSON.parse(data) as LiveEvent);
            } catch {
              // not JSON: not an event of ours
            }
          }
          if (events.length) onEvents(events);
        }
      } catch (err) {
        if (abort.signal.aborted || (err instanceof Error && "status" in err && err.status === 401)) return;
      }
      onState(false);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  };
  void run();
  return () => abort.abort();
}
