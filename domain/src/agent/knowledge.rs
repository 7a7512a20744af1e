//! An agent's knowledge: whole in the prompt while it is small, searched per turn once it is
//! not.
//!
//! The budget is [`INLINE_BUDGET`] characters (titles and texts), about 4,000 tokens: enough
//! for a product sheet, a price list and the usual objections, and small enough that every turn
//! does not pay for a manual. Past it, the documents are cut into passages of about
//! [`PASSAGE_CHARS`] characters at paragraph, then sentence, boundaries; each passage is
//! embedded once when the version is saved, and the model gets a `search_knowledge` tool that
//! returns the [`SEARCH_RESULTS`] passages nearest to its query.

use super::KnowledgeDoc;

/// Knowledge up to this many characters goes into the prompt whole.
pub const INLINE_BUDGET: usize = 16_000;
/// Target length of a searchable passage, in characters.
pub const PASSAGE_CHARS: usize = 800;
/// Passages a search returns.
pub const SEARCH_RESULTS: usize = 3;

/// How the model gets an agent's knowledge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KnowledgeMode {
    /// No knowledge.
    None,
    /// Whole, in the system prompt.
    Inline,
    /// Through the `search_knowledge` tool.
    Search,
}

impl KnowledgeMode {
    /// The stored code (`none`, `inline`, `search`).
    pub fn code(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Inline => "inline",
            Self::Search => "search",
        }
    }

    /// From its stored code; anything unknown is `None`.
    pub fn from_code(code: &str) -> Self {
        match code {
            "inline" => Self::Inline,
            "search" => Self::Search,
            _ => Self::None,
        }
    }
}

/// Characters of all documents, titles included.
pub fn total_chars(docs: &[KnowledgeDoc]) -> usize {
    docs.iter()
        .map(|d| d.title.chars().count() + d.content.chars().count())
        .sum()
}

/// How `docs` reach the model.
pub fn mode(docs: &[KnowledgeDoc]) -> KnowledgeMode {
    match total_chars(docs) {
        0 => KnowledgeMode::None,
        n if n <= INLINE_BUDGET => KnowledgeMode::Inline,
        _ => KnowledgeMode::Search,
    }
}

/// A searchable piece of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// The document's title.
    pub source: String,
    /// The text.
    pub text: String,
}

/// Cuts every document into passages of about [`PASSAGE_CHARS`] characters, breaking at
/// blank lines first, then at sentence ends, then anywhere; none is empty.
pub fn passages(docs: &[KnowledgeDoc]) -> Vec<Passage> {
    let mut out = Vec::new();
    for doc in docs {
        let mut current = String::new();
        for piece in pieces(&doc.content) {
            if !current.is_empty()
                && current.chars().count() + piece.chars().count() + 1 > PASSAGE_CHARS
            {
                out.push(Passage {
                    source: doc.title.clone(),
                    text: std::mem::take(&mut current),
                });
            }
            if !current.is_empty() {
                current.push('\n');
            }
            current.push_str(&piece);
        }
        if !current.trim().is_empty() {
            out.push(Passage {
                source: doc.title.clone(),
                text: current,
            });
        }
    }
    out
}

/// Paragraphs, each no longer than a passage (long ones split at sentence ends, then hard).
fn pieces(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        if paragraph.chars().count() <= PASSAGE_CHARS {
            out.push(paragraph.to_owned());
            continue;
        }
        let mut sentence = String::new();
        for c in paragraph.chars() {
            sentence.push(c);
            let ends = matches!(c, '.' | '!' | '?' | '。' | '！' | '？' | '।' | '\n');
            if (ends && sentence.chars().count() >= PASSAGE_CHARS / 4)
                || sentence.chars().count() >= PASSAGE_CHARS
            {
                out.push(std::mem::take(&mut sentence).trim().to_owned());
            }
        }
        if !sentence.trim().is_empty() {
            out.push(sentence.trim().to_owned());
        }
    }
    out.retain(|p| !p.is_empty());
    out
}

/// Cosine similarity of two vectors (0 when either is empty or zero, or lengths differ).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    let (mut dot, mut na, mut nb) = (0.0f32, 0.0f32, 0.0f32);
    for (x, y) in a.iter().zip(b) {
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na.sqrt() * nb.sqrt())
    }
}

/// Indexes of the `k` vectors nearest to `query`, nearest first.
pub fn nearest(query: &[f32], vectors: &[Vec<f32>], k: usize) -> Vec<usize> {
    let mut scored: Vec<(usize, f32)> = vectors
        .iter()
        .enumerate()
        .map(|(i, v)| (i, cosine(query, v)))
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scored.into_iter().take(k).map(|(i, _)| i).collect()
}
