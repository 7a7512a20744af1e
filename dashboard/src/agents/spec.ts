import type { AgentSpec, KnowledgeDoc, PerLanguage, VoiceOverride } from "../api/types";
import { language } from "../format";

/**
 * What a new agent starts from. It speaks in realtime (`relay`) where the language allows; the
 * API's default stays `gather` so that agents saved before the mode existed keep calling as
 * they did.
 */
export function blankSpec(): AgentSpec {
  return {
    voice_mode: "relay",
    name: "",
    business_name: "",
    goal: "",
    language: "en",
    instructions: "",
    greetings: { en: "" },
    questions: [],
    knowledge: [],
    meeting: { title: { en: "" }, description: {}, minutes: 30 },
    voices: {},
  };
}

function nonEmpty(map: PerLanguage | undefined): PerLanguage {
  return Object.fromEntries(Object.entries(map ?? {}).filter(([, v]) => v.trim() !== ""));
}

/**
 * The spec as the API takes it: empty greetings and descriptions left out (a language without
 * a greeting gets its neutral opener), options only on `one_of` questions, empty voices, model
 * and temperature left out. Lists keep their order, so a refusal's `questions[2]` still names
 * the third question of the form.
 */
export function cleanSpec(spec: AgentSpec): AgentSpec {
  const voices: Record<string, VoiceOverride> = {};
  for (const [lang, v] of Object.entries(spec.voices)) {
    const tts = v.tts_voice?.trim();
    const say = v.say_voice?.trim();
    if (tts || say) voices[lang] = { ...(tts ? { tts_voice: tts } : {}), ...(say ? { say_voice: say } : {}) };
  }
  const { model, temperature, ...rest } = spec;
  return {
    ...rest,
    greetings: nonEmpty(spec.greetings),
    questions: spec.questions.map(({ options, ...q }) => (q.type === "one_of" ? { ...q, options: options ?? [] } : q)),
    meeting: { ...spec.meeting, description: nonEmpty(spec.meeting.description) },
    voices,
    ...(model?.trim() ? { model: model.trim() } : {}),
    ...(temperature !== undefined && !Number.isNaN(temperature) ? { temperature } : {}),
  };
}

/** Every field path the editor has an input (or a section) for, as the API names them. */
export function knownFields(spec: AgentSpec): Set<string> {
  const f = new Set(["name", "business_name", "goal", "language", "instructions", "greetings", "questions", "knowledge", "meeting", "meeting.title", "meeting.description", "meeting.minutes", "voices", "model", "temperature", "voice_mode"]);
  for (const l of Object.keys(spec.greetings)) f.add(`greetings.${l}`);
  for (const l of Object.keys(spec.meeting.title)) f.add(`meeting.title.${l}`);
  for (const l of Object.keys(spec.meeting.description ?? {})) f.add(`meeting.description.${l}`);
  for (const l of Object.keys(spec.voices)) ["", ".tts_voice", ".say_voice"].forEach((s) => f.add(`voices.${l}${s}`));
  spec.questions.forEach((q, i) => {
    ["", ".id", ".text", ".type", ".options"].forEach((s) => f.add(`questions[${i}]${s}`));
    (q.options ?? []).forEach((_, j) => f.add(`questions[${i}].options[${j}]`));
  });
  spec.knowledge.forEach((_, i) => ["", ".title", ".format", ".content"].forEach((s) => f.add(`knowledge[${i}]${s}`)));
  return f;
}

/**
 * The editor field to show a refusal next to: the API's `error.field` (`greetings.fr`,
 * `questions[2].options[1]`; `spec.` dropped, as the preview names them), else the nearest
 * enclosing one the form has (`meeting.title.fr` → `meeting.title` when French has no title
 * yet); null when none fits (the whole body, `agent`).
 */
export function editorField(field: string | null | undefined, spec: AgentSpec): string | null {
  return field ? nearestField(field.replace(/^spec\./, ""), knownFields(spec)) : null;
}

/** `field`, or the nearest path enclosing it that is in `known` (`a[2].b` → `a[2]` → `a`). */
export function nearestField(field: string, known: Set<string>): string | null {
  let path = field;
  while (path) {
    if (known.has(path)) return path;
    const parent = path.replace(/(\.[^.[\]]+|\[\d+\])$/, "");
    if (parent === path) break;
    path = parent;
  }
  return null;
}

/** Reads an uploaded .md or .txt file as a knowledge document (UTF-8, a leading BOM dropped). */
export function readKnowledgeFile(file: File): Promise<KnowledgeDoc> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const text = typeof reader.result === "string" ? reader.result : "";
      resolve({ title: file.name, format: /\.(md|markdown)$/i.test(file.name) ? "markdown" : "text", content: text.replace(/^\uFEFF/, "") });
    };
    reader.onerror = () => reject(new Error(`could not read ${file.name}`));
    reader.readAsText(file, "utf-8");
  });
}

/** Characters of knowledge in all (what the inline budget counts). */
export function knowledgeChars(spec: AgentSpec): number {
  return spec.knowledge.reduce((n, d) => n + [...d.content].length, 0);
}

function perLanguage(map: PerLanguage | undefined): string {
  return Object.entries(map ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([l, text]) => `[${language(l)}]\n${text}`)
    .join("\n");
}

/** A version as sections of plain text, for a line diff between two versions. */
export function specSections(spec: AgentSpec): { title: string; text: string }[] {
  const m = spec.meeting;
  return [
    {
      title: "Settings",
      text: [
        `Name: ${spec.name}`,
        `Business: ${spec.business_name}`,
        `Goal: ${spec.goal}`,
        `Language: ${language(spec.language)}`,
        `Meeting: ${m.minutes} minutes`,
        ...Object.entries(m.title).map(([l, t]) => `Meeting title [${language(l)}]: ${t}`),
        ...Object.entries(m.description ?? {}).map(([l, t]) => `Meeting description [${language(l)}]: ${t}`),
        ...Object.entries(spec.voices).map(([l, v]) => `Voice [${language(l)}]: ${[v.tts_voice, v.say_voice].filter(Boolean).join(", ")}`),
        `Model: ${spec.model ?? "default"}`,
        `Temperature: ${spec.temperature ?? "default"}`,
      ].join("\n"),
    },
    { title: "Instructions", text: spec.instructions },
    { title: "Greetings", text: perLanguage(spec.greetings) },
    {
      title: "Questions",
      text: spec.questions
        .map((q, i) => `${i + 1}. ${q.id} (${q.type === "one_of" ? `one of: ${(q.options ?? []).join(" | ")}` : q.type}): ${q.text}`)
        .join("\n"),
    },
    { title: "Knowledge", text: spec.knowledge.map((d) => `## ${d.title} (${d.format})\n${d.content}`).join("\n") },
  ];
}
