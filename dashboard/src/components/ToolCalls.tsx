import type { ToolUse } from "../api/types";

function json(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

/**
 * The tools the model used for one agent line, as small chips (`check_availability`,
 * `book_meeting`, ...) that open to what it passed and what came back.
 */
export function ToolCalls({ tools }: { tools: ToolUse[] | null | undefined }) {
  if (!tools?.length) return null;
  return (
    <span className="tools">
      {tools.map((t, i) => (
        <details key={i} className="tool" data-tool={t.name}>
          <summary title="A tool the agent used: open for its arguments and result">{t.name}</summary>
          <div className="tool-body">
            <b>Arguments</b>
            <pre dir="ltr">{json(t.arguments)}</pre>
            {t.result !== undefined && t.result !== null && (
              <>
                <b>Result</b>
                <pre dir="ltr">{json(t.result)}</pre>
              </>
            )}
          </div>
        </details>
      ))}
    </span>
  );
}
