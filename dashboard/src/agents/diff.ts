/** A line-based diff (longest common subsequence) for comparing agent versions as text. */

export type DiffOp = "same" | "add" | "del";

export interface DiffLine {
  op: DiffOp;
  text: string;
}

/** A run of unchanged lines left out of a collapsed diff. */
export interface Skipped {
  skipped: number;
}

function lines(text: string): string[] {
  return text === "" ? [] : text.split("\n");
}

/**
 * The lines of `before` and `after` as kept, deleted and added, deletions before additions
 * where both happen at one place. The common head and tail are matched first; the middle by a
 * longest common subsequence table, unless it would exceed `maxCells` cells (two documents of
 * thousands of changed lines), where the middle is shown as deleted then added whole.
 */
export function diffLines(before: string, after: string, maxCells = 4_000_000): DiffLine[] {
  const a = lines(before);
  const b = lines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const same = (text: string): DiffLine => ({ op: "same", text });
  const out: DiffLine[] = a.slice(0, head).map(same);
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  out.push(...middle(midA, midB, maxCells));
  out.push(...a.slice(a.length - tail).map(same));
  return out;
}

function middle(a: string[], b: string[], maxCells: number): DiffLine[] {
  const n = a.length;
  const m = b.length;
  if ((n + 1) * (m + 1) > maxCells) {
    return [...a.map((text): DiffLine => ({ op: "del", text })), ...b.map((text): DiffLine => ({ op: "add", text }))];
  }
  // lcs[i * (m + 1) + j]: the longest common subsequence of a[i..] and b[j..].
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] = a[i] === b[j] ? (lcs[(i + 1) * w + j + 1] ?? 0) + 1 : Math.max(lcs[(i + 1) * w + j] ?? 0, lcs[i * w + j + 1] ?? 0);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ op: "same", text: a[i] ?? "" });
      i++;
      j++;
    } else if (j >= m || (i < n && (lcs[(i + 1) * w + j] ?? 0) >= (lcs[i * w + j + 1] ?? 0))) {
      out.push({ op: "del", text: a[i] ?? "" });
      i++;
    } else {
      out.push({ op: "add", text: b[j] ?? "" });
      j++;
    }
  }
  return out;
}

/** Whether a diff changes anything. */
export function changed(diff: DiffLine[]): boolean {
  return diff.some((l) => l.op !== "same");
}

/** The diff with unchanged runs cut to `context` lines around each change. */
export function collapse(diff: DiffLine[], context = 2): (DiffLine | Skipped)[] {
  const near = diff.map(() => false);
  diff.forEach((l, i) => {
    if (l.op === "same") return;
    for (let k = Math.max(0, i - context); k <= Math.min(diff.length - 1, i + context); k++) near[k] = true;
  });
  const out: (DiffLine | Skipped)[] = [];
  let skipped = 0;
  diff.forEach((l, i) => {
    if (near[i]) {
      if (skipped) out.push({ skipped });
      skipped = 0;
      out.push(l);
    } else {
      skipped++;
    }
  });
  if (skipped) out.push({ skipped });
  return out;
}
