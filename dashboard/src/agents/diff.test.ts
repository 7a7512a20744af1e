import { describe, expect, it } from "vitest";
import { changed, collapse, diffLines, type DiffLine } from "./diff";

const show = (d: DiffLine[]) => d.map((l) => `${l.op === "add" ? "+" : l.op === "del" ? "-" : " "}${l.text}`);

describe("diffLines", () => {
  it("keeps equal texts whole", () => {
    const d = diffLines("a\nb\nc", "a\nb\nc");
    expect(show(d)).toEqual([" a", " b", " c"]);
    expect(changed(d)).toBe(false);
  });

  it("finds a changed line between kept ones, the deletion first", () => {
    expect(show(diffLines("Hello\nWe sell solar.\nBye", "Hello\nWe sell heat pumps.\nBye"))).toEqual([" Hello", "-We sell solar.", "+We sell heat pumps.", " Bye"]);
  });

  it("matches the longest common subsequence, not just the common head and tail", () => {
    expect(show(diffLines("a\nb\nc\nd\ne", "x\nb\nc\ny\ne\nz"))).toEqual(["-a", "+x", " b", " c", "-d", "+y", " e", "+z"]);
    expect(show(diffLines("a\nb\nc", "c\na"))).toEqual(["-a", "-b", " c", "+a"]);
  });

  it("handles empty texts on either side", () => {
    expect(show(diffLines("", "new\nlines"))).toEqual(["+new", "+lines"]);
    expect(show(diffLines("old", ""))).toEqual(["-old"]);
    expect(diffLines("", "")).toEqual([]);
  });

  it("falls back to delete-then-add past the table limit, keeping the common head and tail", () => {
    const d = diffLines("h\na\nb\nt", "h\nb\na\nt", 4);
    expect(show(d)).toEqual([" h", "-a", "-b", "+b", "+a", " t"]);
  });
});

describe("collapse", () => {
  it("keeps context around changes and counts the lines left out", () => {
    const before = Array.from({ length: 12 }, (_, i) => `line ${i}`).join("\n");
    const after = before.replace("line 6", "line six");
    const c = collapse(diffLines(before, after), 2);
    expect(c[0]).toEqual({ skipped: 4 });
    expect(c.slice(1, 7).map((l) => ("text" in l ? l.text : l.skipped))).toEqual(["line 4", "line 5", "line 6", "line six", "line 7", "line 8"]);
    expect(c[7]).toEqual({ skipped: 3 });
  });
});
