//! Understands spoken time expressions ("Thursday at 3 pm", "jeudi à 15h",
//! "יום חמישי ב-3", "mañana a las 5") and turns them into a datetime in the
//! callee's UTC offset.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveTime, TimeZone, Weekday};

use super::text::{fold, has, has_any};

/// Which day was mentioned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Day {
    /// A weekday name.
    Weekday(Weekday),
    /// "tomorrow".
    Tomorrow,
    /// "today".
    Today,
}

/// A partial time expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct When {
    /// Mentioned day, if any.
    pub day: Option<Day>,
    /// Mentioned (hour, minute) on a 24 h clock, if any.
    pub time: Option<(u32, u32)>,
}

impl When {
    /// Whether anything time-like was found.
    pub fn is_some(&self) -> bool {
        self.day.is_some() || self.time.is_some()
    }
}

// Names as callees say them, folded (see `text::fold`): Latin-script names
// match as whole words, Cyrillic and Devanagari ones as word starts (so stems
// cover the cases: `четверг` in `четверга`), Hebrew, Arabic, Japanese and
// Chinese ones as substrings. Portuguese days are two words ("quinta-feira"),
// so "segunda" alone stays an ordinal.
const WEEKDAYS: [(Weekday, &[&str]); 7] = [
    (
        Weekday::Mon,
        &[
            "monday",
            "lundi",
            "montag",
            "lunes",
            "lunedi",
            "יום שני",
            "الاثنين",
            "segunda feira",
            "maandag",
            "понедельник",
            "poniedzialek",
            "pazartesi",
            "月曜",
            "सोमवार",
            "星期一",
            "周一",
        ],
    ),
    (
        Weekday::Tue,
        &[
            "tuesday",
            "mardi",
            "dienstag",
            "martes",
            "martedi",
            "שלישי",
            "الثلاثاء",
            "terca feira",
            "dinsdag",
            "вторник",
            "wtorek",
            "sali",
            "火曜",
            "मंगलवार",
            "星期二",
            "周二",
        ],
    ),
    (
        Weekday::Wed,
        &[
            "wednesday",
            "mercredi",
            "mittwoch",
            "miercoles",
            "mercoledi",
            "רביעי",
            "الاربعاء",
            "quarta feira",
            "woensdag",
            "среда",
            "среду",
            "sroda",
            "srode",
            "carsamba",
            "水曜",
            "बुधवार",
            "星期三",
            "周三",
        ],
    ),
    (
        Weekday::Thu,
        &[
            "thursday",
            "jeudi",
            "donnerstag",
            "jueves",
            "giovedi",
            "חמישי",
            "الخميس",
            "quinta feira",
            "donderdag",
            "четверг",
            "czwartek",
            "persembe",
            "木曜",
            "गुरुवार",
            "星期四",
            "周四",
        ],
    ),
    (
        Weekday::Fri,
        &[
            "friday",
            "vendredi",
            "freitag",
            "viernes",
            "venerdi",
            "שישי",
            "الجمعة",
            "sexta feira",
            "vrijdag",
            "пятниц",
            "piatek",
            "cuma",
            "金曜",
            "शुक्रवार",
            "星期五",
            "周五",
        ],
    ),
    (
        Weekday::Sat,
        &[
            "saturday",
            "samedi",
            "samstag",
            "sabado",
            "sabato",
            "שבת",
            "السبت",
            "zaterdag",
            "суббот",
            "sobota",
            "sobote",
            "cumartesi",
            "土曜",
            "शनिवार",
            "星期六",
            "周六",
        ],
    ),
    (
        Weekday::Sun,
        &[
            "sunday",
            "dimanche",
            "sonntag",
            "domingo",
            "domenica",
            "יום ראשון",
            "الاحد",
            "zondag",
            "воскресень",
            "niedziela",
            "niedziele",
            "pazar",
            "日曜",
            "रविवार",
            "星期日",
            "星期天",
            "周日",
        ],
    ),
];

const TOMORROW: &[&str] = &[
    "tomorrow",
    "demain",
    "morgen",
    "manana",
    "domani",
    "מחר",
    "غدا",
    "بكرة",
    "amanha",
    "завтра",
    "jutro",
    "yarin",
    "明日",
    "あした",
    "कल",
    "明天",
];
const TODAY: &[&str] = &[
    "today",
    "aujourd hui",
    "heute",
    "hoy",
    "oggi",
    "היום",
    "اليوم",
    "hoje",
    "vandaag",
    "сегодня",
    "dzisiaj",
    "dzis",
    "bugun",
    "今日",
    "本日",
    "आज",
    "今天",
];
/// Phrases that contain a "tomorrow" word but mean something else.
const NOT_TOMORROW: &[&str] = &["la manana", "guten morgen", "morgen fruh"];

const PM: &[&str] = &[
    "afternoon",
    "evening",
    "tonight",
    "apres midi",
    "du soir",
    "nachmittags",
    "nachmittag",
    "abends",
    "abend",
    "de la tarde",
    "por la tarde",
    "de la noche",
    "pomeriggio",
    "di sera",
    "אחר הצהריים",
    "אחרי הצהריים",
    "בערב",
    "בצהריים",
    "بعد الظهر",
    "مساء",
    "da tarde",
    "a tarde",
    "da noite",
    "s middags",
    "s avonds",
    "дня",
    "вечера",
    "вечером",
    "po poludniu",
    "wieczorem",
    "ogleden sonra",
    "aksam",
    "午後",
    "夕方",
    "दोपहर",
    "शाम",
    "下午",
    "晚上",
];
const AM: &[&str] = &[
    "morning",
    "du matin",
    "morgens",
    "vormittags",
    "de la manana",
    "por la manana",
    "di mattina",
    "del mattino",
    "בבוקר",
    "صباحا",
    "الصبح",
    "da manha",
    "de manha",
    "s ochtends",
    "утра",
    "утром",
    "rano",
    "sabah",
    "午前",
    "सुबह",
    "上午",
    "早上",
];

/// Finds a day and a time of day in `raw`.
pub fn parse(raw: &str) -> When {
    let mut text = fold(raw);
    for phrase in NOT_TOMORROW {
        text = text.replace(&format!(" {phrase} "), " ");
    }
    let day = WEEKDAYS
        .iter()
        .find(|(_, names)| has_any(&text, names))
        .map(|(w, _)| Day::Weekday(*w))
        .or_else(|| has_any(&text, TOMORROW).then_some(Day::Tomorrow))
        .or_else(|| has_any(&text, TODAY).then_some(Day::Today));
    let time = clock(&raw.to_lowercase()).map(|(h, m, suffix)| {
        let pm = suffix == Some(Meridiem::Pm) || (suffix.is_none() && has_any(&text, PM));
        let am = suffix == Some(Meridiem::Am) || (suffix.is_none() && has_any(&fold(raw), AM));
        let h = match h {
            h if pm && h < 12 => h + 12,
            12 if am => 0,
            1..=7 if !am => h + 12,
            h => h,
        };
        (h % 24, m)
    });
    When { day, time }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meridiem {
    Am,
    Pm,
}

/// The first `H`, `HH`, `H:MM`, `HHhMM` number that can be an hour, with an
/// `am`/`pm` suffix if one follows it.
fn clock(lower: &str) -> Option<(u32, u32, Option<Meridiem>)> {
    let chars: Vec<char> = lower.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        let digits: String = chars[start..i].iter().collect();
        let hour = match digits.parse::<u32>() {
            Ok(h) if digits.len() <= 2 && h <= 24 => h,
            _ => continue,
        };
        let mut minute = 0;
        if matches!(chars.get(i), Some(':' | 'h' | '.')) {
            let mm: String = chars.iter().skip(i + 1).take(2).collect();
            if mm.len() == 2 && mm.chars().all(|c| c.is_ascii_digit()) {
                minute = mm.parse::<u32>().unwrap_or(0).min(59);
                i += 3;
            }
        }
        let word: String = chars[i..]
            .iter()
            .skip_while(|c| c.is_whitespace())
            .take_while(|c| c.is_alphabetic() || **c == '.')
            .filter(|c| **c != '.')
            .collect();
        let suffix = match word.as_str() {
            "pm" => Some(Meridiem::Pm),
            "am" => Some(Meridiem::Am),
            _ => None,
        };
        return Some((hour, minute, suffix));
    }
    None
}

/// The datetime meant by `when`, relative to `now` (in the callee's offset):
/// the next occurrence strictly after `now`. Missing time defaults to 10:00.
pub fn resolve(when: &When, now: DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
    let (h, m) = when.time.unwrap_or((10, 0));
    let time = NaiveTime::from_hms_opt(h, m, 0)?;
    let today = now.date_naive();
    let at = |days: i64| {
        let date = today.checked_add_signed(Duration::days(days))?;
        now.offset()
            .from_local_datetime(&date.and_time(time))
            .single()
    };
    match when.day {
        Some(Day::Today) => at(0),
        Some(Day::Tomorrow) => at(1),
        Some(Day::Weekday(w)) => {
            let ahead = (i64::from(w.num_days_from_monday())
                - i64::from(today.weekday().num_days_from_monday()))
            .rem_euclid(7);
            let candidate = at(ahead)?;
            if candidate > now {
                Some(candidate)
            } else {
                at(ahead + 7)
            }
        }
        None => {
            let candidate = at(0)?;
            if candidate > now {
                Some(candidate)
            } else {
                at(1)
            }
        }
    }
}

/// Whether `text` mentions a day word (used to tell a time proposal from noise).
pub fn mentions_day(text: &str) -> bool {
    let folded = fold(text);
    WEEKDAYS
        .iter()
        .any(|(_, names)| names.iter().any(|n| has(&folded, n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-11-24T10:15:00+01:00").expect("time") // a Tuesday
    }

    fn at(text: &str) -> String {
        resolve(&parse(text), now()).expect("resolves").to_rfc3339()
    }

    #[test]
    fn weekday_and_hour_in_all_languages() {
        let thu = "2026-11-26T15:00:00+01:00";
        assert_eq!(at("How about Thursday at 3 pm?"), thu);
        assert_eq!(at("Que diriez-vous de jeudi à 15h ?"), thu);
        assert_eq!(at("מה דעתך על יום חמישי ב-3 אחר הצהריים?"), thu);
        assert_eq!(at("Wie wäre es mit Donnerstag um 15 Uhr?"), thu);
        assert_eq!(at("¿Qué tal el jueves a las 3 de la tarde?"), thu);
        assert_eq!(at("giovedì alle 15"), thu);
        assert_eq!(at("jeudi à 15h30"), "2026-11-26T15:30:00+01:00");
        for text in [
            "ما رأيك في يوم الخميس الساعة 3 بعد الظهر؟",
            "Que tal quinta-feira às 15h?",
            "Wat dacht u van donderdag om 15.00 uur?",
            "Как насчёт четверга в 15:00?",
            "Może w czwartek o 15:00?",
            "Perşembe saat 15:00 olur mu?",
            "木曜日の15時はいかがですか？",
            "गुरुवार को दोपहर 3 बजे कैसा रहेगा?",
            "星期四下午3点怎么样？",
        ] {
            assert_eq!(at(text), thu, "{text}");
        }
    }

    #[test]
    fn every_weekday_in_the_new_languages() {
        let names = [
            [
                "الاثنين",
                "الثلاثاء",
                "الأربعاء",
                "الخميس",
                "الجمعة",
                "السبت",
                "الأحد",
            ],
            [
                "segunda-feira",
                "terça-feira",
                "quarta-feira",
                "quinta-feira",
                "sexta-feira",
                "sábado",
                "domingo",
            ],
            [
                "maandag",
                "dinsdag",
                "woensdag",
                "donderdag",
                "vrijdag",
                "zaterdag",
                "zondag",
            ],
            [
                "в понедельник",
                "во вторник",
                "в среду",
                "в четверг",
                "в пятницу",
                "в субботу",
                "в воскресенье",
            ],
            [
                "w poniedziałek",
                "we wtorek",
                "w środę",
                "w czwartek",
                "w piątek",
                "w sobotę",
                "w niedzielę",
            ],
            [
                "Pazartesi",
                "Salı",
                "Çarşamba",
                "Perşembe",
                "Cuma",
                "Cumartesi",
                "Pazar",
            ],
            [
                "月曜日",
                "火曜日",
                "水曜日",
                "木曜日",
                "金曜日",
                "土曜日",
                "日曜日",
            ],
            [
                "सोमवार",
                "मंगलवार",
                "बुधवार",
                "गुरुवार",
                "शुक्रवार",
                "शनिवार",
                "रविवार",
            ],
            [
                "星期一",
                "星期二",
                "星期三",
                "星期四",
                "星期五",
                "星期六",
                "星期日",
            ],
        ];
        for row in names {
            for (i, name) in row.iter().enumerate() {
                let expected = Weekday::try_from(u8::try_from(i).unwrap()).unwrap();
                assert_eq!(parse(name).day, Some(Day::Weekday(expected)), "{name}");
            }
        }
        // "segunda" alone is an ordinal, not Monday; "पहला विकल्प" holds no "कल" (tomorrow).
        assert_eq!(parse("a segunda opção").day, None);
        assert_eq!(parse("पहला विकल्प, कृपया।").day, None);
    }

    #[test]
    fn tomorrow_and_same_weekday() {
        assert_eq!(
            at("call me back tomorrow at 5 pm"),
            "2026-11-25T17:00:00+01:00"
        );
        assert_eq!(
            at("mañana a las 5 de la tarde"),
            "2026-11-25T17:00:00+01:00"
        );
        assert_eq!(at("Tuesday at 9 am"), "2026-12-01T09:00:00+01:00");
        assert_eq!(at("Tuesday at 11"), "2026-11-24T11:00:00+01:00");
        assert_eq!(
            parse("el jueves por la mañana").day,
            Some(Day::Weekday(Weekday::Thu))
        );
        assert!(!parse("no thanks").is_some());
        for text in [
            "اتصل بي غدا الساعة 5 مساء",
            "me ligue amanhã às 17h",
            "belt u me morgen om 17.00 uur terug",
            "перезвоните мне завтра в 17:00",
            "proszę zadzwonić jutro o 17:00",
            "beni yarın saat 17:00'de arayın",
            "明日の17時にかけ直してください",
            "कल शाम 5 बजे फ़ोन कीजिए",
            "明天下午5点再打给我吧",
        ] {
            assert_eq!(at(text), "2026-11-25T17:00:00+01:00", "{text}");
        }
        assert_eq!(at("am Freitag um 3"), "2026-11-27T15:00:00+01:00");
        assert_eq!(at("Friday at 3:30 p.m."), "2026-11-27T15:30:00+01:00");
        assert_eq!(at("Friday at 12 a.m. please"), "2026-11-27T00:00:00+01:00");
    }
}
