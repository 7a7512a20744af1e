//! The keyword safety net under the LLM: an opt-out said in any supported language ends the
//! call even if the model misses it.

/// Phrases that mean "never call me again", lowercase, per language.
const OPT_OUT_PHRASES: &[&str] = &[
    // English
    "stop calling",
    "don't call me",
    "do not call me",
    "remove my number",
    "take me off your list",
    "take me off the list",
    "put me on your do not call",
    // Hebrew
    "תפסיקו להתקשר",
    "הפסיקו להתקשר",
    "אל תתקשרו",
    "תורידו אותי",
    "תמחקו את המספר",
    "הסירו את המספר",
    // French
    "arrêtez de m'appeler",
    "ne m'appelez plus",
    "retirez mon numéro",
    "supprimez mon numéro",
    // German
    "hören sie auf, mich anzurufen",
    "hören sie auf mich anzurufen",
    "rufen sie mich nicht mehr an",
    "löschen sie meine nummer",
    "entfernen sie meine nummer",
    // Spanish
    "dejen de llamarme",
    "deje de llamarme",
    "no me llamen más",
    "no me llame más",
    "borren mi número",
    "eliminen mi número",
    // Arabic
    "توقفوا عن الاتصال",
    "توقف عن الاتصال",
    "لا تتصلوا بي",
    "لا تتصل بي",
    "احذفوا رقمي",
    "احذف رقمي",
    "امسحوا رقمي",
    "امسح رقمي",
    // Italian
    "smettete di chiamarmi",
    "smetta di chiamarmi",
    "non chiamatemi più",
    "non mi chiami più",
    "non mi chiamate più",
    "cancellate il mio numero",
    "cancelli il mio numero",
    "rimuovete il mio numero",
    // Portuguese
    "parem de me ligar",
    "pare de me ligar",
    "deixem de me ligar",
    "não me liguem mais",
    "não me ligue mais",
    "removam o meu número",
    "removam meu número",
    "remova o meu número",
    "remova meu número",
    "apaguem o meu número",
    "apaguem meu número",
    // Dutch
    "bel me niet meer",
    "bel mij niet meer",
    "bel me alstublieft niet meer",
    "bel mij alstublieft niet meer",
    "belt u mij niet meer",
    "niet meer bellen",
    "stop met bellen",
    "verwijder mijn nummer",
    "haal mijn nummer",
    // Russian
    "не звоните мне",
    "больше не звоните",
    "мне больше не звоните",
    "перестаньте мне звонить",
    "перестаньте звонить",
    "удалите мой номер",
    // Polish
    "nie dzwońcie do mnie",
    "do mnie nie dzwonić",
    "proszę nie dzwonić",
    "przestańcie dzwonić",
    "przestańcie do mnie dzwonić",
    "usuńcie mój numer",
    "usunąć mój numer",
    "usuń mój numer",
    // Turkish
    "beni bir daha aramayın",
    "beni aramayın",
    "aramayı bırakın",
    "numaramı silin",
    "numaramı listenizden silin",
    // Japanese
    "電話しないでください",
    "電話をかけないでください",
    "もう電話しないで",
    "番号を削除して",
    "リストから外して",
    // Hindi
    "मुझे फोन मत",
    "मुझे फ़ोन मत",
    "दोबारा फोन मत",
    "दोबारा फ़ोन मत",
    "मुझे कॉल मत",
    "दोबारा कॉल मत",
    "मेरा नंबर हटा",
    // Chinese
    "不要再给我打电话",
    "别再给我打电话",
    "不要给我打电话",
    "别给我打电话",
    "不要再打",
    "别再打",
    "删除我的号码",
    "把我的号码删",
];

/// True when `speech` contains an opt-out request in any supported language.
pub fn is_opt_out_request(speech: &str) -> bool {
    let text = speech.to_lowercase().replace('’', "'");
    OPT_OUT_PHRASES.iter().any(|p| text.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catches_opt_outs_in_every_language() {
        for s in [
            "Please STOP calling me and remove my number from your list.",
            "בבקשה תפסיקו להתקשר אליי",
            "Ne m’appelez plus, s'il vous plaît",
            "Bitte rufen Sie mich nicht mehr an.",
            "Por favor, dejen de llamarme.",
            "من فضلك توقفوا عن الاتصال بي",
            "Per favore, smettete di chiamarmi.",
            "Por favor, parem de me ligar.",
            "Bel me alstublieft niet meer.",
            "Пожалуйста, больше не звоните мне.",
            "Proszę więcej do mnie nie dzwonić.",
            "Lütfen beni bir daha aramayın.",
            "もう電話しないでください。",
            "कृपया मुझे दोबारा फ़ोन मत कीजिए।",
            "请不要再给我打电话了。",
        ] {
            assert!(is_opt_out_request(s), "{s}");
        }
    }

    #[test]
    fn ordinary_speech_is_not_an_opt_out() {
        for s in [
            "Yes, call me on Thursday",
            "I'm not interested",
            "Rufen Sie mich morgen an",
            "מה זה?",
            "اتصل بي غدا الساعة 5 مساء",
            "Mi richiami domani alle 17.",
            "Então me ligue amanhã às 17h.",
            "Belt u me morgen terug?",
            "Перезвоните мне завтра в 17:00.",
            "Proszę zadzwonić jutro o 17:00.",
            "Beni yarın saat 17:00'de arayın.",
            "明日の17時にかけ直してください。",
            "कल शाम 5 बजे फ़ोन कीजिए।",
            "明天下午5点再打给我吧。",
        ] {
            assert!(!is_opt_out_request(s), "{s}");
        }
    }
}
