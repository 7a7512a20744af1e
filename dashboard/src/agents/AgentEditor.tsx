import type { AgentRules, AgentSpec, LanguageCode, VoiceOverride } from "../api/types";
import { language, LANGUAGE_CODES } from "../format";
import { AddLanguage, Field, FieldError, LangTexts } from "./fields";
import { KnowledgeEditor } from "./KnowledgeEditor";
import { QuestionsEditor } from "./QuestionsEditor";

/**
 * Every field of an agent, controlled by `spec`. Refusals of the API show next to the field
 * they name (through `FieldErrorContext`); the template variables and the disclosure note sit
 * beside the text areas.
 */
export function AgentEditor({ spec, onChange, rules }: { spec: AgentSpec; onChange: (s: AgentSpec) => void; rules: AgentRules | null }) {
  const set = <K extends keyof AgentSpec>(k: K, v: AgentSpec[K]) => onChange({ ...spec, [k]: v });
  const meeting = spec.meeting;
  return (
    <div className="agent-edit">
      <div className="agent-form">
        <section className="card form">
          <h2>The agent</h2>
          <div className="row">
            <Field label="Name" path="name" hint="for your team; never said on a call">
              {(p) => <input {...p} dir="auto" value={spec.name} size={30} onChange={(e) => set("name", e.target.value)} />}
            </Field>
            <Field label="Business name" path="business_name" hint="said in the disclosure that opens every call">
              {(p) => <input {...p} dir="auto" value={spec.business_name} size={30} onChange={(e) => set("business_name", e.target.value)} />}
            </Field>
            <Field label="Agent's language" path="language" hint="what you write in: the fallback for other languages">
              {(p) => (
                <select {...p} value={spec.language} onChange={(e) => onLanguage(spec, e.target.value as LanguageCode, onChange)}>
                  {LANGUAGE_CODES.map((l) => (
                    <option key={l} value={l}>
                      {language(l)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <Field label="Goal" path="goal" hint='what the meeting is for, in one phrase: "a 30-minute review of your energy bills"'>
            {(p) => <input {...p} className="wide" dir="auto" value={spec.goal} onChange={(e) => set("goal", e.target.value)} />}
          </Field>
          <Field label="Instructions" path="instructions" hint="the pitch, the tone, how to answer objections (a template)">
            {(p) => <textarea {...p} rows={10} dir="auto" value={spec.instructions} onChange={(e) => set("instructions", e.target.value)} />}
          </Field>
        </section>
        <section className="card form">
          <h2>Greetings</h2>
          <p className="muted">Said after the disclosure. A language without a greeting gets a neutral opener.</p>
          <LangTexts name="Greeting" path="greetings" map={spec.greetings} onChange={(g) => set("greetings", g)} placeholder="I'm calling about your energy bills: do you have a minute?" />
        </section>
        <section className="card form">
          <h2>Qualification questions</h2>
          <QuestionsEditor questions={spec.questions} onChange={(q) => set("questions", q)} />
        </section>
        <section className="card form">
          <h2>Knowledge</h2>
          <KnowledgeEditor docs={spec.knowledge} onChange={(k) => set("knowledge", k)} rules={rules} />
        </section>
        <section className="card form" data-field="meeting">
          <h2>The meeting</h2>
          <Field label="Meeting length (minutes)" path="meeting.minutes">
            {(p) => <input {...p} type="number" min={10} max={240} value={meeting.minutes} onChange={(e) => set("meeting", { ...meeting, minutes: Number(e.target.value) })} />}
          </Field>
          <LangTexts name="Meeting title" path="meeting.title" map={meeting.title} required={spec.language} onChange={(title) => set("meeting", { ...meeting, title })} rows={1} />
          <LangTexts
            name="Meeting description"
            path="meeting.description"
            map={meeting.description ?? {}}
            onChange={(description) => set("meeting", { ...meeting, description })}
            rows={3}
          />
          <FieldError path="meeting" />
        </section>
        <Advanced spec={spec} onChange={onChange} />
      </div>
      <RulesAside rules={rules} />
    </div>
  );
}

/** A new own language gets a meeting title box (the API requires one in it). */
function onLanguage(spec: AgentSpec, lang: LanguageCode, onChange: (s: AgentSpec) => void) {
  const title = lang in spec.meeting.title ? spec.meeting.title : { ...spec.meeting.title, [lang]: "" };
  onChange({ ...spec, language: lang, meeting: { ...spec.meeting, title } });
}

/** How calls speak (realtime or turn by turn); voices, model and temperature: optional
 * overrides of the deployment's. */
function Advanced({ spec, onChange }: { spec: AgentSpec; onChange: (s: AgentSpec) => void }) {
  const setVoice = (lang: string, v: VoiceOverride | null) => {
    // In place: the rows keep their order while one is typed in.
    const voices = v ? { ...spec.voices, [lang]: v } : Object.fromEntries(Object.entries(spec.voices).filter(([l]) => l !== lang));
    onChange({ ...spec, voices });
  };
  return (
    <details className="card form" data-field="voices" open={Object.keys(spec.voices).length > 0 || spec.model !== undefined || spec.temperature !== undefined}>
      <summary>
        <h2>Voice mode, voices and model (optional)</h2>
      </summary>
      <Field
        label="Voice mode"
        path="voice_mode"
        hint="Realtime: replies start while they are written and the lead can interrupt. Hebrew and Arabic calls are always turn by turn."
      >
        {(p) => (
          <select
            {...p}
            value={spec.voice_mode ?? "gather"}
            onChange={(e) => onChange({ ...spec, voice_mode: e.target.value as AgentSpec["voice_mode"] })}
          >
            <option value="relay">Realtime (ConversationRelay)</option>
            <option value="gather">Turn by turn (Gather)</option>
          </select>
        )}
      </Field>
      {Object.entries(spec.voices).map(([lang, v]) => (
        <div key={lang} className="row" data-field={`voices.${lang}`}>
          <b className="row-name">{language(lang)}</b>
          <Field label="Text-to-speech voice id" path={`voices.${lang}.tts_voice`}>
            {(p) => <input {...p} value={v.tts_voice ?? ""} onChange={(e) => setVoice(lang, { ...v, tts_voice: e.target.value })} />}
          </Field>
          <Field label="Twilio voice" path={`voices.${lang}.say_voice`}>
            {(p) => <input {...p} value={v.say_voice ?? ""} placeholder="Polly.Joanna" onChange={(e) => setVoice(lang, { ...v, say_voice: e.target.value })} />}
          </Field>
          <button type="button" className="small secondary" onClick={() => setVoice(lang, null)}>
            Remove
          </button>
        </div>
      ))}
      <AddLanguage taken={Object.keys(spec.voices)} label="Add a voice language" onAdd={(l) => setVoice(l, {})} />
      <FieldError path="voices" />
      <div className="row">
        <Field label="Model" path="model" hint="default: the server's">
          {(p) => <input {...p} value={spec.model ?? ""} onChange={(e) => onChange({ ...spec, model: e.target.value || undefined })} />}
        </Field>
        <Field label="Temperature" path="temperature" hint="0 to 2; default 0.3">
          {(p) => (
            <input
              {...p}
              type="number"
              min={0}
              max={2}
              step={0.1}
              value={spec.temperature ?? ""}
              onChange={(e) => onChange({ ...spec, temperature: e.target.value === "" ? undefined : Number(e.target.value) })}
            />
          )}
        </Field>
      </div>
    </details>
  );
}

/** What the templates may use, and what the product says whatever the agent says. */
export function RulesAside({ rules }: { rules: AgentRules | null }) {
  return (
    <aside className="card rules" aria-label="Template variables">
      <h2>Every call opens with a disclosure</h2>
      <p>
        Before your greeting, the agent says the product's own line in the call's language: your business name, that it is an AI assistant, and that the call is recorded. You cannot leave it
        out, so do not repeat it.
      </p>
      <h2>Template variables</h2>
      <p className="muted">
        Instructions, greetings and meeting texts are templates: <code>{"{{ lead.first_name }}"}</code>, <code>{'{{ lead.company | default("your company") }}'}</code>,{" "}
        <code>{"{% if lead.local_hour < 12 %}…{% endif %}"}</code>. A value the lead lacks is left empty on a call.
      </p>
      {rules ? (
        <dl className="variables">
          {rules.variables.map((v) => (
            <div key={v.name}>
              <dt>
                <code>{`{{ ${v.name} }}`}</code>
              </dt>
              <dd>{v.description}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="muted">Loading…</p>
      )}
    </aside>
  );
}
