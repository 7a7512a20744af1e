import type { Answers, LeadFields } from "../api/types";
import { label } from "../format";

function show(v: unknown): string {
  if (v === null || v === undefined || v === "") return "–";
  if (typeof v === "boolean") return v ? "Yes" : "No";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

/** A small two-column table of names and values (a lead's fields, a call's answers). */
export function KeyValues({ values, keyLabel = (k) => k, testId }: { values: Record<string, unknown>; keyLabel?: (k: string) => string; testId?: string }) {
  const entries = Object.entries(values);
  if (!entries.length) return null;
  return (
    <table className="table kv" data-testid={testId}>
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th scope="row" dir="auto">
              {keyLabel(k)}
            </th>
            <td dir="auto">{show(v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A lead's own columns, as uploaded. */
export function LeadFieldsTable({ fields }: { fields: LeadFields | null | undefined }) {
  return fields && Object.keys(fields).length ? <KeyValues values={fields} testId="lead-fields" /> : <p className="muted">No other columns.</p>;
}

/** Answers to the agent's qualification questions, by question id. */
export function AnswersTable({ answers }: { answers: Answers | null | undefined }) {
  if (!answers || !Object.keys(answers).length) return null;
  return (
    <div className="answers" data-testid="answers">
      <b>Answers</b>
      <KeyValues values={answers} keyLabel={label} />
    </div>
  );
}
