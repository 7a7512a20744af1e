//! Which knowledge passage answers the callee: the one sharing the most topic words with
//! their question (see [`terms`](super::terms)). A price question that shares none still gets
//! the passage that states a price. Nothing else is ever said about the business.

use serde_json::Value;

use super::agent::Passage;
use super::terms::{Term, content_terms, found_in};
use super::text::{fold, has_any};

/// Words that mark a price, folded, in every supported language.
const PRICE_WORDS: &[&str] = &[
    "price",
    "prices",
    "pricing",
    "cost",
    "costs",
    "fee",
    "fees",
    "euro",
    "euros",
    "dollar",
    "dollars",
    "per month",
    "a month",
    "prix",
    "tarif",
    "tarifs",
    "cout",
    "couts",
    "par mois",
    "preis",
    "preise",
    "kosten",
    "kostet",
    "monatlich",
    "pro monat",
    "precio",
    "precios",
    "coste",
    "costo",
    "cuesta",
    "al mes",
    "prezzo",
    "prezzi",
    "costa",
    "al mese",
    "سعر",
    "السعر",
    "تكلفة",
    "التكلفة",
    "شهريا",
    "يورو",
    "preco",
    "precos",
    "custo",
    "custa",
    "por mes",
    "prijs",
    "prijzen",
    "per maand",
    "цена",
    "цены",
    "стоимость",
    "стоит",
    "рубл",
    "евро",
    "в месяц",
    "cena",
    "ceny",
    "koszt",
    "kosztuje",
    "miesiecznie",
    "fiyat",
    "ucret",
    "aylik",
    "avro",
    "avrodan",
    "ayda",
    "מחיר",
    "עלות",
    "אירו",
    "יורו",
    "לחודש",
    "שקל",
    "料金",
    "価格",
    "値段",
    "費用",
    "月額",
    "ユーロ",
    "कीमत",
    "दाम",
    "शुल्क",
    "रुपये",
    "यूरो",
    "प्रति माह",
    "价格",
    "费用",
    "价钱",
    "每月",
    "欧元",
    "多少钱",
];

const CURRENCY: &[char] = &['€', '$', '£', '¥', '₪', '₹', '₽', '₺', '﷼', '元', '円'];

/// Whether `text` says or asks something about a price.
pub fn mentions_price(text: &str) -> bool {
    has_any(&fold(text), PRICE_WORDS)
}

/// Whether a passage states a price: a currency sign or a price word.
fn states_price(text: &str) -> bool {
    text.chars().any(|c| CURRENCY.contains(&c)) || mentions_price(text)
}

/// What a passage is searched by: its topic terms and whether it states a price.
struct Features {
    terms: Vec<Term>,
    price: bool,
}

/// Passages' features, computed once per distinct passage: an agent's knowledge comes again
/// with every turn of every call, and the model's time is meant to be nothing next to the
/// product's in the benchmarks.
fn features(passage: &Passage) -> std::sync::Arc<Features> {
    use std::collections::HashMap;
    use std::hash::{Hash, Hasher};
    use std::sync::{Arc, Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<u64, Arc<Features>>>> = OnceLock::new();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (&passage.source, &passage.text).hash(&mut hasher);
    let key = hasher.finish();
    let cache = CACHE.get_or_init(Mutex::default);
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return hit;
    }
    let computed = Arc::new(Features {
        terms: content_terms(&format!("{} {}", passage.source, passage.text)),
        price: states_price(&passage.text),
    });
    if let Ok(mut c) = cache.lock() {
        if c.len() >= 50_000 {
            c.clear();
        }
        c.insert(key, computed.clone());
    }
    computed
}

/// How many of the question's topic terms the passage (title and text) contains.
fn overlap(question: &[Term], passage: &Passage) -> usize {
    let features = features(passage);
    let terms = &features.terms;
    let mut seen: Vec<&Term> = Vec::new();
    question
        .iter()
        .filter(|term| {
            let fresh = !seen.contains(term);
            seen.push(term);
            fresh && found_in(term, terms)
        })
        .count()
}

/// The passage answering `question`: the best overlap (the first of equals), else for a
/// price question (`about_price`, or price words in it) the first passage stating a price (a
/// currency or price word, else a figure), else none.
pub fn best<'a>(question: &str, about_price: bool, passages: &'a [Passage]) -> Option<&'a Passage> {
    let terms = content_terms(question);
    let scored = passages.iter().map(|p| (overlap(&terms, p), p)).fold(
        None::<(usize, &Passage)>,
        |best, (score, p)| match best {
            Some((top, _)) if top >= score => best,
            _ => Some((score, p)),
        },
    );
    match scored {
        Some((score, passage)) if score > 0 => Some(passage),
        _ if about_price || mentions_price(question) => {
            passages.iter().find(|p| features(p).price).or_else(|| {
                passages
                    .iter()
                    .find(|p| p.text.chars().any(char::is_numeric))
            })
        }
        _ => None,
    }
}

/// The passages of a `search_knowledge` tool result
/// (`{"tool": "search_knowledge", "passages": [{"source", "text"}]}`), or `None` when the
/// result is not one.
pub fn search_result(content: &str) -> Option<Vec<Passage>> {
    let result: Value = serde_json::from_str(content.trim()).ok()?;
    let is_search = result.get("tool").and_then(Value::as_str) == Some("search_knowledge")
        || (result.get("tool").is_none() && result.get("passages").is_some());
    if !is_search {
        return None;
    }
    let passages = result
        .get("passages")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| {
                    let text = item.get("text").and_then(Value::as_str)?.trim();
                    (!text.is_empty()).then(|| Passage {
                        source: item
                            .get("source")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        text: text.to_owned(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Some(passages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phrases::{LANGS, Lang};

    fn passage(source: &str, text: &str) -> Passage {
        Passage {
            source: source.into(),
            text: text.into(),
        }
    }

    /// Per language: a pricing passage, a warranty passage, a warranty question, a price
    /// question sharing no word with the pricing passage, and a question on something else.
    const CASES: [(Lang, [&str; 5]); LANGS] = [
        (
            Lang::En,
            [
                "Panels start at 49 euros a month with no upfront cost.",
                "Every installation carries a 25-year warranty.",
                "What warranty do you give?",
                "How much is it?",
                "Do you sell electric cars?",
            ],
        ),
        (
            Lang::He,
            [
                "הפאנלים מתחילים מ-49 אירו לחודש ללא תשלום מראש.",
                "לכל התקנה יש אחריות של 25 שנה.",
                "מה האחריות שאתם נותנים?",
                "כמה זה עולה?",
                "אתם מוכרים מכוניות חשמליות?",
            ],
        ),
        (
            Lang::Fr,
            [
                "Les panneaux commencent à 49 euros par mois sans apport.",
                "Chaque installation bénéficie d'une garantie de 25 ans.",
                "Quelle garantie donnez-vous ?",
                "Combien ça coûte ?",
                "Vendez-vous des voitures électriques ?",
            ],
        ),
        (
            Lang::De,
            [
                "Module gibt es ab 49 Euro im Monat ohne Anzahlung.",
                "Jede Installation hat 25 Jahre Garantie.",
                "Welche Garantie geben Sie?",
                "Was kostet das?",
                "Verkaufen Sie Elektroautos?",
            ],
        ),
        (
            Lang::Es,
            [
                "Los paneles empiezan en 49 euros al mes sin entrada.",
                "Cada instalación tiene una garantía de 25 años.",
                "¿Qué garantía ofrecen?",
                "¿Cuánto cuesta?",
                "¿Venden coches eléctricos?",
            ],
        ),
        (
            Lang::It,
            [
                "I pannelli partono da 49 euro al mese senza anticipo.",
                "Ogni installazione ha una garanzia di 25 anni.",
                "Che garanzia date?",
                "Quanto costa?",
                "Vendete auto elettriche?",
            ],
        ),
        (
            Lang::Ar,
            [
                "تبدأ الألواح من 49 يورو شهريا دون دفعة مقدمة.",
                "كل تركيب يأتي مع ضمان لمدة 25 سنة.",
                "ما هو الضمان الذي تقدمونه؟",
                "كم يكلف ذلك؟",
                "هل تبيعون سيارات كهربائية؟",
            ],
        ),
        (
            Lang::Pt,
            [
                "Os painéis começam em 49 euros por mês sem entrada.",
                "Cada instalação tem garantia de 25 anos.",
                "Qual é a garantia?",
                "Quanto custa?",
                "Vocês vendem carros elétricos?",
            ],
        ),
        (
            Lang::Nl,
            [
                "Panelen beginnen bij 49 euro per maand zonder aanbetaling.",
                "Elke installatie heeft 25 jaar garantie.",
                "Welke garantie geeft u?",
                "Wat kost dat?",
                "Verkoopt u elektrische auto's?",
            ],
        ),
        (
            Lang::Ru,
            [
                "Панели стоят от 49 евро в месяц без первого взноса.",
                "На каждую установку даётся гарантия 25 лет.",
                "Какая у вас гарантия?",
                "Сколько это стоит?",
                "Вы продаёте электромобили?",
            ],
        ),
        (
            Lang::Pl,
            [
                "Panele kosztują od 49 euro miesięcznie bez wpłaty.",
                "Każda instalacja ma 25 lat gwarancji.",
                "Jaką gwarancję dajecie?",
                "Ile to kosztuje?",
                "Sprzedajecie samochody elektryczne?",
            ],
        ),
        (
            Lang::Tr,
            [
                "Paneller peşinatsız ayda 49 avrodan başlıyor.",
                "Her kurulum 25 yıl garantilidir.",
                "Garanti süresi nedir?",
                "Fiyatı ne kadar?",
                "Elektrikli araba satıyor musunuz?",
            ],
        ),
        (
            Lang::Ja,
            [
                "パネルは頭金なしで月額49ユーロからです。",
                "すべての設置に25年保証が付きます。",
                "保証はありますか？",
                "いくらですか？",
                "電気自動車を売っていますか？",
            ],
        ),
        (
            Lang::Hi,
            [
                "पैनल बिना अग्रिम भुगतान के 49 यूरो प्रति माह से शुरू होते हैं।",
                "हर इंस्टॉलेशन पर 25 साल की वारंटी है।",
                "वारंटी कितनी है?",
                "इसका दाम क्या है?",
                "क्या आप इलेक्ट्रिक कारें बेचते हैं?",
            ],
        ),
        (
            Lang::Zh,
            [
                "太阳能板每月49欧元起，无需首付。",
                "每次安装都有25年保修。",
                "保修多久？",
                "多少钱？",
                "你们卖电动汽车吗？",
            ],
        ),
    ];

    #[test]
    fn picks_by_overlap_then_price_in_every_language() {
        for (lang, [pricing, warranty, ask_warranty, ask_price, ask_other]) in CASES {
            let passages = vec![passage("A", pricing), passage("B", warranty)];
            assert_eq!(
                best(ask_warranty, false, &passages).map(|p| p.text.as_str()),
                Some(warranty),
                "{lang:?}"
            );
            assert_eq!(
                best(ask_price, true, &passages).map(|p| p.text.as_str()),
                Some(pricing),
                "{lang:?}"
            );
            assert_eq!(best(ask_other, false, &passages), None, "{lang:?}");
            // Price words in the question are enough, even unclassified.
            let reversed = vec![passage("B", warranty), passage("A", pricing)];
            assert_eq!(
                best(ask_price, true, &reversed).map(|p| p.text.as_str()),
                Some(pricing),
                "{lang:?}"
            );
            assert_eq!(best(ask_warranty, false, &[]), None);
        }
    }

    #[test]
    fn titles_count_and_search_results_parse() {
        let passages = vec![
            passage("Opening hours", "Monday to Friday, 9 to 5."),
            passage("Warranty", "Ten years on everything."),
        ];
        assert_eq!(
            best("What about the warranty?", false, &passages).map(|p| p.text.as_str()),
            Some("Ten years on everything.")
        );
        let found = search_result(
            r#"{"tool":"search_knowledge","passages":[{"source":"Pricing","text":"49 euros."},{"text":" "}]}"#,
        )
        .expect("a search result");
        assert_eq!(found, vec![passage("Pricing", "49 euros.")]);
        assert_eq!(
            search_result(r#"{"tool":"search_knowledge","passages":[]}"#),
            Some(vec![])
        );
        assert_eq!(search_result(r#"{"tool":"check_availability"}"#), None);
        assert_eq!(search_result("ok"), None);
    }
}
