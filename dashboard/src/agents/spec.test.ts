import { describe, expect, it } from "vitest";
import { spec } from "./fixtures";
import { blankSpec, cleanSpec, editorField, readKnowledgeFile, specSections } from "./spec";

describe("cleanSpec", () => {
  it("leaves out empty greetings, descriptions, voices and options the API would refuse", () => {
    const s = cleanSpec({
      ...blankSpec(),
      greetings: { en: "Hi", fr: "  " },
      questions: [
        { id: "a", text: "A?", type: "number", options: ["stale"] },
        { id: "b", text: "B?", type: "one_of", options: ["x", "y"] },
      ],
      meeting: { title: { en: "T" }, description: { en: "" }, minutes: 30 },
      voices: { en: { tts_voice: " ", say_voice: "Polly.Joanna" }, fr: { tts_voice: "" } },
      model: " ",
      temperature: Number.NaN,
    });
    expect(s.greetings).toEqual({ en: "Hi" });
    expect(s.questions).toEqual([
      { id: "a", text: "A?", type: "number" },
      { id: "b", text: "B?", type: "one_of", options: ["x", "y"] },
    ]);
    expect(s.meeting.description).toEqual({});
    expect(s.voices).toEqual({ en: { say_voice: "Polly.Joanna" } });
    expect("model" in s || "temperature" in s).toBe(false);
    // A new agent speaks in realtime, and the choice is sent.
    expect(s.voice_mode).toBe("relay");
  });
});

describe("editorField", () => {
  it("maps the API's field paths to the editor's inputs, or the nearest section", () => {
    expect(editorField("instructions", spec)).toBe("instructions");
    expect(editorField("spec.instructions", spec)).toBe("instructions");
    expect(editorField("greetings.he", spec)).toBe("greetings.he");
    expect(editorField("greetings.fr", spec)).toBe("greetings");
    expect(editorField("questions[0].options[1]", spec)).toBe("questions[0].options[1]");
    expect(editorField("questions[0].options[7]", spec)).toBe("questions[0].options");
    expect(editorField("knowledge[0].content", spec)).toBe("knowledge[0].content");
    expect(editorField("meeting.title.fr", spec)).toBe("meeting.title");
    expect(editorField("agent", spec)).toBeNull();
    expect(editorField(null, spec)).toBeNull();
  });
});

describe("knowledge files", () => {
  it("reads .md as Markdown and .txt as text, dropping a BOM", async () => {
    const md = await readKnowledgeFile(new File(["\uFEFF# Prices\n49 EUR"], "pricing.md", { type: "text/markdown" }));
    expect(md).toEqual({ title: "pricing.md", format: "markdown", content: "# Prices\n49 EUR" });
    expect((await readKnowledgeFile(new File(["Q: hi"], "faq.txt"))).format).toBe("text");
  });
});

describe("specSections", () => {
  it("writes instructions, greetings, questions and knowledge as text", () => {
    const s = Object.fromEntries(specSections(spec).map((x) => [x.title, x.text]));
    expect(s.Greetings).toBe("[English]\nHello {{ lead.first_name }}!\n[Hebrew]\nשלום {{ lead.first_name }}!");
    expect(s.Questions).toBe("1. plan (one of: basic | pro): Which plan are you on?");
    expect(s.Knowledge).toBe("## pricing.md (markdown)\n# Prices\nPanels from 49 EUR a month.");
  });
});
