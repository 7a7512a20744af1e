//! Cutting a reply that is still being written into clauses, so speech can start on the first
//! clause while the model writes the rest.
//!
//! A speech synthesiser sounds natural when it is given a whole clause (it places the pauses
//! and the intonation), and starts late when it is given the whole reply. A model writes a
//! few characters per token. [`Clauses`] sits between them: tokens go in, and a clause comes
//! out as soon as its closing punctuation is followed by a space (or is one that needs none,
//! as in Chinese and Japanese). A clause that runs on without punctuation is let go at a word
//! boundary once it is long, so a model that never punctuates still starts speaking.

/// Punctuation that ends a clause when a space (or the end) follows it: Latin, Greek, Arabic
/// (`،` `؛` `؟`), Hebrew uses the Latin marks, Devanagari's danda (`।`).
const CLOSERS: &[char] = &['.', ',', ';', ':', '!', '?', '…', '،', '؛', '؟', '।'];

/// Full-width punctuation (Chinese, Japanese) that ends a clause with no space after it.
const FULL_WIDTH_CLOSERS: &[char] = &['。', '、', '，', '！', '？', '；', '：'];

/// A clause longer than this (in characters) is let go at its last space.
pub const LONG_CLAUSE: usize = 120;

/// The text written so far that is not yet a clause.
#[derive(Debug, Default, Clone)]
pub struct Clauses {
    pending: String,
}

impl Clauses {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the next piece of the reply; returns the clauses it completes, in order.
    pub fn push(&mut self, piece: &str) -> Vec<String> {
        self.pending.push_str(piece);
        let mut out = Vec::new();
        while let Some(end) = self.clause_end() {
            let rest = self.pending.split_off(end);
            let clause = std::mem::replace(&mut self.pending, rest);
            // Spaces alone are no clause: they go with the next one.
            if clause.trim().is_empty() {
                self.pending.insert_str(0, &clause);
                break;
            }
            out.push(clause);
        }
        out
    }

    /// The end of the reply: whatever is left, if it holds more than spaces.
    pub fn finish(&mut self) -> Option<String> {
        let rest = std::mem::take(&mut self.pending);
        (!rest.trim().is_empty()).then_some(rest)
    }

    /// Where the first complete clause of `pending` ends (a byte offset past its closing
    /// punctuation and the spaces after it), if one is complete.
    fn clause_end(&self) -> Option<usize> {
        let text = &self.pending;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let after = i + c.len_utf8();
            if FULL_WIDTH_CLOSERS.contains(&c) {
                return Some(after);
            }
            if CLOSERS.contains(&c) {
                // A space must follow: "3.5" and "acme.com" are not ends (an abbreviation
                // before a space, "Mr. ", is: a short clause, no harm). Undecided until the
                // next character arrives.
                match chars.peek() {
                    Some((_, next)) if next.is_whitespace() => {
                        return Some(after + next.len_utf8());
                    }
                    _ => {}
                }
            }
        }
        if text.chars().count() > LONG_CLAUSE {
            // The last space within the limit, so the clause ends on a whole word; none: the
            // first space after it; none at all: keep waiting for one.
            let spaces = || {
                text.char_indices()
                    .enumerate()
                    .filter(|(n, (_, c))| c.is_whitespace() && *n > 0)
            };
            return spaces()
                .take_while(|(n, _)| *n < LONG_CLAUSE)
                .last()
                .or_else(|| spaces().next())
                .map(|(_, (i, c))| i + c.len_utf8());
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn feed(pieces: &[&str]) -> Vec<String> {
        let mut clauses = Clauses::new();
        let mut out: Vec<String> = pieces.iter().flat_map(|p| clauses.push(p)).collect();
        out.extend(clauses.finish());
        out
    }

    #[test]
    fn a_clause_is_let_go_when_its_punctuation_is_followed_by_a_space() {
        let mut clauses = Clauses::new();
        assert!(clauses.push("Hello").is_empty());
        assert!(
            clauses.push(" there,").is_empty(),
            "the comma may be a decimal one"
        );
        assert_eq!(clauses.push(" I"), ["Hello there, "]);
        assert!(clauses.push(" am calling from Acme").is_empty());
        assert_eq!(clauses.push(". Do"), ["I am calling from Acme. "]);
        assert_eq!(clauses.finish().as_deref(), Some("Do"));
    }

    #[test]
    fn numbers_and_abbreviations_inside_words_do_not_cut() {
        assert_eq!(feed(&["It costs 3.5 euros"]), ["It costs 3.5 euros"]);
        assert_eq!(feed(&["Visit acme.com today."]), ["Visit acme.com today."]);
    }

    #[test]
    fn scripts_without_spaces_and_right_to_left_marks_cut_too() {
        assert_eq!(
            feed(&["您好，", "我是", "Acme的助理。请问"]),
            ["您好，", "我是Acme的助理。", "请问"]
        );
        assert_eq!(
            feed(&["مرحبا، ", "كيف حالك؟ ", "حسنا"]),
            ["مرحبا، ", "كيف حالك؟ ", "حسنا"]
        );
        assert_eq!(feed(&["שלום, ", "מה שלומך?"]), ["שלום, ", "מה שלומך?"]);
    }

    #[test]
    fn a_long_unpunctuated_clause_is_let_go_at_a_word() {
        let words = "word ".repeat(40);
        let out = feed(&[&words]);
        assert!(out.len() > 1, "{out:?}");
        assert!(
            out[0].ends_with(' ') && out[0].chars().count() <= LONG_CLAUSE + 5,
            "{out:?}"
        );
    }

    proptest! {
        /// Whatever the pieces, the clauses say exactly the reply, in order.
        #[test]
        fn clauses_join_back_to_the_reply(
            pieces in proptest::collection::vec("\\PC{0,12}", 0..40)
        ) {
            let reply: String = pieces.concat();
            let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
            let out = feed(&refs);
            let joined = out.concat();
            prop_assert_eq!(joined.trim(), reply.trim());
            prop_assert!(out.iter().all(|c| !c.is_empty()));
        }
    }
}
