import { createContext, useContext, useId, type ReactNode } from "react";
import type { PerLanguage } from "../api/types";
import { dirOf, language, LANGUAGE_CODES } from "../format";

/** A refusal of the API placed on an editor field (`instructions`, `greetings.fr`, ...). */
export interface FieldProblem {
  field: string;
  message: string;
}

export const FieldErrorContext = createContext<FieldProblem | null>(null);

/** The refusal's message when it is about `path`. */
export function useFieldError(path: string): string | null {
  const problem = useContext(FieldErrorContext);
  return problem?.field === path ? problem.message : null;
}

/** The refusal of `path`, shown next to its input. */
export function FieldError({ path }: { path: string }) {
  const message = useFieldError(path);
  return message ? (
    <span className="field-error" role="alert" data-error-for={path}>
      {message}
    </span>
  ) : null;
}

/** Puts the cursor in (and scrolls to) the input of `path`, once a refusal named it. */
export function focusField(path: string): void {
  const el = [...document.querySelectorAll<HTMLElement>("[data-field]")].find((e) => e.dataset.field === path);
  el?.scrollIntoView?.({ block: "center" });
  if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) el.focus();
}

/** What a `Field` gives its control: the label's target, the path, whether it is refused. */
export interface ControlProps {
  id: string;
  "data-field": string;
  "aria-invalid": true | undefined;
}

/** A labelled control with its hint and its refusal under it. */
export function Field({ label, path, hint, children }: { label: ReactNode; path: string; hint?: ReactNode; children: (p: ControlProps) => ReactNode }) {
  const id = useId();
  const error = useFieldError(path);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, "data-field": path, "aria-invalid": error ? true : undefined })}
      {hint && <small className="field-hint">{hint}</small>}
      {error && (
        <span className="field-error" role="alert" data-error-for={path}>
          {error}
        </span>
      )}
    </div>
  );
}

/** A select of the languages not yet in `taken`; picking one calls `onAdd`. */
export function AddLanguage({ taken, onAdd, label }: { taken: string[]; onAdd: (lang: string) => void; label: string }) {
  const free = LANGUAGE_CODES.filter((l) => !taken.includes(l));
  if (!free.length) return null;
  return (
    <select className="add-language" value="" aria-label={label} onChange={(e) => e.target.value && onAdd(e.target.value)}>
      <option value="">+ {label}…</option>
      {free.map((l) => (
        <option key={l} value={l}>
          {language(l)}
        </option>
      ))}
    </select>
  );
}

/**
 * Texts per language (greetings, meeting titles and descriptions): one text area per language,
 * written right to left in Hebrew and Arabic, with an "add language" picker. `required` is the
 * language that cannot be removed (the agent's own, for meeting titles).
 */
export function LangTexts({
  name,
  path,
  map,
  onChange,
  rows = 2,
  required,
  placeholder,
}: {
  name: string;
  path: string;
  map: PerLanguage;
  onChange: (map: PerLanguage) => void;
  rows?: number;
  required?: string;
  placeholder?: string;
}) {
  const langs = Object.keys(map);
  const without = (l: string) => Object.fromEntries(Object.entries(map).filter(([k]) => k !== l));
  return (
    <div className="lang-texts" data-field={path}>
      {langs.map((l) => (
        <div key={l} className="lang-text">
          <Field label={`${name} (${language(l)})`} path={`${path}.${l}`}>
            {(p) => <textarea {...p} rows={rows} dir={dirOf(l)} value={map[l] ?? ""} placeholder={placeholder} onChange={(e) => onChange({ ...map, [l]: e.target.value })} />}
          </Field>
          {l !== required && (
            <button type="button" className="small secondary" onClick={() => onChange(without(l))} aria-label={`Remove ${name.toLowerCase()} in ${language(l)}`}>
              Remove
            </button>
          )}
        </div>
      ))}
      <AddLanguage taken={langs} label={`Add a ${name.toLowerCase()} language`} onAdd={(l) => onChange({ ...map, [l]: "" })} />
      <FieldError path={path} />
    </div>
  );
}
