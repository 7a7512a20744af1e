import type { AnswerKind, Question } from "../api/types";
import { Field, FieldError } from "./fields";

const KINDS: [AnswerKind, string][] = [
  ["text", "Text"],
  ["number", "Number"],
  ["boolean", "Yes / no"],
  ["one_of", "One of a list"],
];

/** Qualification questions: asked one at a time before a meeting is offered; answers are typed. */
export function QuestionsEditor({ questions, onChange }: { questions: Question[]; onChange: (q: Question[]) => void }) {
  const set = (i: number, q: Question) => onChange(questions.map((x, k) => (k === i ? q : x)));
  const move = (i: number, by: number) => {
    const next = [...questions];
    const [q] = next.splice(i, 1);
    if (q) next.splice(i + by, 0, q);
    onChange(next);
  };
  const add = () => {
    let n = questions.length + 1;
    while (questions.some((q) => q.id === `question_${n}`)) n++;
    onChange([...questions, { id: `question_${n}`, text: "", type: "text" }]);
  };
  return (
    <div data-field="questions">
      {questions.length === 0 && <p className="muted">No questions: the agent offers a meeting as soon as the lead is interested.</p>}
      {questions.map((q, i) => (
        <fieldset key={i} className="question" data-field={`questions[${i}]`}>
          <legend>Question {i + 1}</legend>
          <div className="row">
            <Field label="Answer key" path={`questions[${i}].id`} hint="a-z, 0-9 and _; a column of the export">
              {(p) => <input {...p} value={q.id} size={18} onChange={(e) => set(i, { ...q, id: e.target.value })} />}
            </Field>
            <Field label="Answer type" path={`questions[${i}].type`}>
              {(p) => (
                <select
                  {...p}
                  value={q.type}
                  onChange={(e) => {
                    const type = e.target.value as AnswerKind;
                    set(i, type === "one_of" ? { ...q, type, options: q.options?.length ? q.options : ["", ""] } : { id: q.id, text: q.text, type });
                  }}
                >
                  {KINDS.map(([k, name]) => (
                    <option key={k} value={k}>
                      {name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <span className="row-actions">
              <button type="button" className="small secondary" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move question ${i + 1} up`}>
                ↑
              </button>
              <button type="button" className="small secondary" disabled={i === questions.length - 1} onClick={() => move(i, 1)} aria-label={`Move question ${i + 1} down`}>
                ↓
              </button>
              <button type="button" className="small secondary" onClick={() => onChange(questions.filter((_, k) => k !== i))}>
                Remove
              </button>
            </span>
          </div>
          <Field label="Question" path={`questions[${i}].text`}>
            {(p) => <input {...p} className="wide" dir="auto" value={q.text} onChange={(e) => set(i, { ...q, text: e.target.value })} placeholder="How many people work at your company?" />}
          </Field>
          {q.type === "one_of" && <Options question={q} index={i} onChange={(options) => set(i, { ...q, options })} />}
          <FieldError path={`questions[${i}]`} />
        </fieldset>
      ))}
      <FieldError path="questions" />
      <button type="button" className="secondary" onClick={add} disabled={questions.length >= 20}>
        Add a question
      </button>
    </div>
  );
}

function Options({ question, index, onChange }: { question: Question; index: number; onChange: (o: string[]) => void }) {
  const options = question.options ?? [];
  return (
    <div className="options" data-field={`questions[${index}].options`}>
      <span className="field-label">Options</span>
      {options.map((o, j) => (
        <div key={j} className="row">
          <Field label={`Option ${j + 1}`} path={`questions[${index}].options[${j}]`}>
            {(p) => <input {...p} dir="auto" value={o} onChange={(e) => onChange(options.map((x, k) => (k === j ? e.target.value : x)))} />}
          </Field>
          <button type="button" className="small secondary" onClick={() => onChange(options.filter((_, k) => k !== j))} aria-label={`Remove option ${j + 1}`}>
            ×
          </button>
        </div>
      ))}
      <FieldError path={`questions[${index}].options`} />
      <button type="button" className="small secondary" onClick={() => onChange([...options, ""])} disabled={options.length >= 20}>
        Add an option
      </button>
    </div>
  );
}
