//! Phrase tables: everything the scripted callees say, in every supported
//! language, plus the language model used to pick a callee's language.

use serde::Serialize;

/// Languages the simulator speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    En,
    /// Hebrew.
    He,
    /// French.
    Fr,
    /// German.
    De,
    /// Spanish.
    Es,
    /// Italian.
    It,
    /// Arabic.
    Ar,
    /// Portuguese.
    Pt,
    /// Dutch.
    Nl,
    /// Russian.
    Ru,
    /// Polish.
    Pl,
    /// Turkish.
    Tr,
    /// Japanese.
    Ja,
    /// Hindi.
    Hi,
    /// Mandarin Chinese.
    Zh,
}

/// How many languages the simulator speaks (the length of every row of wordings).
pub const LANGS: usize = 15;

impl Lang {
    /// Every language, in the order of the rows of wordings.
    pub const ALL: [Lang; LANGS] = [
        Self::En,
        Self::He,
        Self::Fr,
        Self::De,
        Self::Es,
        Self::It,
        Self::Ar,
        Self::Pt,
        Self::Nl,
        Self::Ru,
        Self::Pl,
        Self::Tr,
        Self::Ja,
        Self::Hi,
        Self::Zh,
    ];

    /// ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::He => "he",
            Self::Fr => "fr",
            Self::De => "de",
            Self::Es => "es",
            Self::It => "it",
            Self::Ar => "ar",
            Self::Pt => "pt",
            Self::Nl => "nl",
            Self::Ru => "ru",
            Self::Pl => "pl",
            Self::Tr => "tr",
            Self::Ja => "ja",
            Self::Hi => "hi",
            Self::Zh => "zh",
        }
    }

    /// From a BCP 47 tag such as `he-IL` (primary subtag only); unknown → English.
    pub fn from_tag(tag: &str) -> Self {
        let primary = tag
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "he" | "iw" => Self::He,
            "fr" => Self::Fr,
            "de" => Self::De,
            "es" => Self::Es,
            "it" => Self::It,
            "ar" => Self::Ar,
            "pt" => Self::Pt,
            "nl" => Self::Nl,
            "ru" => Self::Ru,
            "pl" => Self::Pl,
            "tr" => Self::Tr,
            "ja" => Self::Ja,
            "hi" => Self::Hi,
            "zh" | "cmn" => Self::Zh,
            _ => Self::En,
        }
    }

    /// The callee's language from the E.164 number (the longest matching
    /// prefix: a country calling code, or an area code where the country speaks
    /// several languages). The same choice as the product's
    /// `Language::from_number`, so a lead is called in the language its callee
    /// speaks; unlisted codes speak English.
    pub fn from_number(e164: &str) -> Self {
        const PREFIXES: &[(&str, Lang)] = &[
            ("+972", Lang::He),
            ("+33", Lang::Fr),
            ("+32", Lang::Fr),
            ("+41", Lang::De),
            // Landlines of Quebec and of French- and Italian-speaking Switzerland.
            ("+1263", Lang::Fr),
            ("+1354", Lang::Fr),
            ("+1367", Lang::Fr),
            ("+1418", Lang::Fr),
            ("+1438", Lang::Fr),
            ("+1450", Lang::Fr),
            ("+1468", Lang::Fr),
            ("+1514", Lang::Fr),
            ("+1579", Lang::Fr),
            ("+1581", Lang::Fr),
            ("+1819", Lang::Fr),
            ("+1873", Lang::Fr),
            ("+4121", Lang::Fr),
            ("+4122", Lang::Fr),
            ("+4124", Lang::Fr),
            ("+4126", Lang::Fr),
            ("+4127", Lang::Fr),
            ("+4132", Lang::Fr),
            ("+4191", Lang::It),
            ("+352", Lang::Fr),
            ("+377", Lang::Fr),
            ("+49", Lang::De),
            ("+43", Lang::De),
            ("+423", Lang::De),
            ("+34", Lang::Es),
            ("+51", Lang::Es),
            ("+52", Lang::Es),
            ("+54", Lang::Es),
            ("+56", Lang::Es),
            ("+57", Lang::Es),
            ("+58", Lang::Es),
            ("+39", Lang::It),
            ("+378", Lang::It),
            ("+20", Lang::Ar),
            ("+212", Lang::Ar),
            ("+213", Lang::Ar),
            ("+216", Lang::Ar),
            ("+218", Lang::Ar),
            ("+249", Lang::Ar),
            ("+961", Lang::Ar),
            ("+962", Lang::Ar),
            ("+963", Lang::Ar),
            ("+964", Lang::Ar),
            ("+965", Lang::Ar),
            ("+966", Lang::Ar),
            ("+967", Lang::Ar),
            ("+968", Lang::Ar),
            ("+970", Lang::Ar),
            ("+971", Lang::Ar),
            ("+973", Lang::Ar),
            ("+974", Lang::Ar),
            ("+55", Lang::Pt),
            ("+351", Lang::Pt),
            ("+244", Lang::Pt),
            ("+258", Lang::Pt),
            ("+238", Lang::Pt),
            ("+245", Lang::Pt),
            ("+239", Lang::Pt),
            ("+31", Lang::Nl),
            ("+597", Lang::Nl),
            ("+297", Lang::Nl),
            ("+599", Lang::Nl),
            ("+7", Lang::Ru),
            ("+375", Lang::Ru),
            ("+48", Lang::Pl),
            ("+90", Lang::Tr),
            ("+81", Lang::Ja),
            ("+91", Lang::Hi),
            ("+86", Lang::Zh),
            ("+886", Lang::Zh),
            ("+852", Lang::Zh),
            ("+853", Lang::Zh),
        ];
        PREFIXES
            .iter()
            .filter(|(prefix, _)| e164.starts_with(prefix))
            .max_by_key(|(prefix, _)| prefix.len())
            .map_or(Self::En, |(_, lang)| *lang)
    }
}

/// Something a callee can say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// Interested, proposes Thursday at 15:00.
    ProposeTime,
    /// Confirms a proposed meeting.
    Confirm,
    /// Polite goodbye.
    Goodbye,
    /// Asks what the company offers.
    AskOffer,
    /// Asks about the price.
    AskCost,
    /// Declines.
    NotInterested,
    /// Asks for a call back tomorrow at 17:00.
    Callback,
    /// Asks to be removed from the list.
    OptOut,
    /// Asks who is calling.
    WhoIsThis,
    /// Voicemail greeting played by the answering machine.
    VoicemailGreeting,
    /// Announces a switch to this language.
    SwitchIntro,
    /// Picks the first offered slot.
    PickFirst,
    /// Picks the second offered slot.
    PickSecond,
    /// Picks the third offered slot.
    PickThird,
    /// None of the offered slots fit: asks for another day.
    AskAnotherDay,
    /// Answers "no free slots, shall I call you back?" with tomorrow at 17:00.
    CallbackLater,
    /// Asks to speak with a person instead of the assistant.
    AskForPerson,
}

/// The wording of `line` in `lang`.
pub fn line(line: Line, lang: Lang) -> &'static str {
    pick(lang, table(line))
}

/// The entry for `lang` in a row of wordings ordered like [`Lang::ALL`]
/// (en, he, fr, de, es, it, ar, pt, nl, ru, pl, tr, ja, hi, zh).
pub fn pick(lang: Lang, row: [&'static str; LANGS]) -> &'static str {
    row[lang as usize]
}

fn table(line: Line) -> [&'static str; LANGS] {
    match line {
        Line::AskForPerson => [
            "Can I speak to a real person, please?",
            "אפשר לדבר עם נציג אנושי, בבקשה?",
            "Est-ce que je peux parler à une vraie personne, s'il vous plaît ?",
            "Kann ich bitte mit einem echten Menschen sprechen?",
            "¿Puedo hablar con una persona de verdad, por favor?",
            "Posso parlare con una persona vera, per favore?",
            "هل يمكنني التحدث مع شخص حقيقي من فضلك؟",
            "Posso falar com uma pessoa de verdade, por favor?",
            "Kan ik alstublieft met een echt persoon spreken?",
            "Можно поговорить с живым человеком, пожалуйста?",
            "Czy mogę porozmawiać z prawdziwą osobą?",
            "Gerçek bir kişiyle konuşabilir miyim lütfen?",
            "人間の担当者と話せますか？",
            "क्या मैं किसी असली इंसान से बात कर सकता हूँ?",
            "我可以和真人说话吗？",
        ],
        Line::ProposeTime => [
            "Yes, that sounds interesting. How about Thursday at 3 pm?",
            "כן, זה נשמע מעניין. מה דעתך על יום חמישי ב-3 אחר הצהריים?",
            "Oui, ça a l'air intéressant. Que diriez-vous de jeudi à 15h ?",
            "Ja, das klingt interessant. Wie wäre es mit Donnerstag um 15 Uhr?",
            "Sí, suena interesante. ¿Qué tal el jueves a las 3 de la tarde?",
            "Sì, sembra interessante. Che ne dice di giovedì alle 15?",
            "نعم، يبدو هذا مثيرا للاهتمام. ما رأيك في يوم الخميس الساعة 3 بعد الظهر؟",
            "Sim, parece interessante. Que tal quinta-feira às 15h?",
            "Ja, dat klinkt interessant. Wat dacht u van donderdag om 15.00 uur?",
            "Да, звучит интересно. Как насчёт четверга в 15:00?",
            "Tak, to brzmi interesująco. Może w czwartek o 15:00?",
            "Evet, ilginç görünüyor. Perşembe saat 15:00 olur mu?",
            "はい、面白そうですね。木曜日の15時はいかがですか？",
            "हाँ, यह दिलचस्प लगता है। गुरुवार को दोपहर 3 बजे कैसा रहेगा?",
            "好的，听起来不错。星期四下午3点怎么样？",
        ],
        Line::Confirm => [
            "Yes, that works, thank you.",
            "כן, זה מתאים לי, תודה.",
            "Oui, ça me va, merci.",
            "Ja, das passt, danke.",
            "Sí, me viene bien, gracias.",
            "Sì, va bene, grazie.",
            "نعم، هذا يناسبني، شكرا.",
            "Sim, está ótimo, obrigado.",
            "Ja, dat komt goed uit, dank u.",
            "Да, мне подходит, спасибо.",
            "Tak, pasuje mi, dziękuję.",
            "Evet, bu bana uyar, teşekkürler.",
            "はい、大丈夫です。ありがとうございます。",
            "हाँ, यह ठीक रहेगा, धन्यवाद।",
            "好的，这个时间可以，谢谢。",
        ],
        Line::Goodbye => [
            "Thank you, goodbye!",
            "תודה, להתראות!",
            "Merci, au revoir !",
            "Danke, auf Wiederhören!",
            "Gracias, ¡adiós!",
            "Grazie, arrivederci!",
            "شكرا، مع السلامة!",
            "Obrigado, tchau!",
            "Dank u, tot ziens!",
            "Спасибо, до свидания!",
            "Dziękuję, do widzenia!",
            "Teşekkürler, hoşça kalın!",
            "ありがとうございました。失礼します。",
            "धन्यवाद, नमस्ते!",
            "谢谢，再见！",
        ],
        Line::AskOffer => [
            "What exactly does your company offer?",
            "מה בדיוק החברה שלכם מציעה?",
            "Qu'est-ce que votre entreprise propose exactement ?",
            "Was genau bietet Ihre Firma an?",
            "¿Qué ofrece exactamente su empresa?",
            "Che cosa offre esattamente la vostra azienda?",
            "ماذا تقدم شركتكم بالضبط؟",
            "O que exatamente a sua empresa oferece?",
            "Wat biedt uw bedrijf precies aan?",
            "Что именно предлагает ваша компания?",
            "Co dokładnie oferuje Państwa firma?",
            "Şirketiniz tam olarak ne sunuyor?",
            "御社は具体的に何を提供しているのですか？",
            "आपकी कंपनी असल में क्या ऑफ़र करती है?",
            "你们公司具体提供什么服务？",
        ],
        Line::AskCost => [
            "What does it cost?",
            "כמה זה עולה?",
            "Combien ça coûte ?",
            "Was kostet das?",
            "¿Cuánto cuesta?",
            "Quanto costa?",
            "كم يكلف ذلك؟",
            "Quanto custa?",
            "Wat kost dat?",
            "Сколько это стоит?",
            "Ile to kosztuje?",
            "Bunun fiyatı ne kadar?",
            "費用はどのくらいかかりますか？",
            "इसकी कीमत कितनी है?",
            "价格是多少？",
        ],
        Line::NotInterested => [
            "No thanks, I'm not interested.",
            "לא תודה, אני לא מעוניין.",
            "Non merci, ça ne m'intéresse pas.",
            "Nein danke, ich habe kein Interesse.",
            "No gracias, no me interesa.",
            "No grazie, non mi interessa.",
            "لا شكرا، لست مهتما.",
            "Não, obrigado, não tenho interesse.",
            "Nee, dank u, ik heb geen interesse.",
            "Нет, спасибо, мне это не интересно.",
            "Nie, dziękuję, nie jestem zainteresowany.",
            "Hayır, teşekkürler, ilgilenmiyorum.",
            "いいえ、結構です。興味がありません。",
            "नहीं, धन्यवाद, मुझे इसमें दिलचस्पी नहीं है।",
            "不用了，谢谢，我不感兴趣。",
        ],
        Line::Callback => [
            "I'm busy right now, call me back tomorrow at 5 pm.",
            "אני עסוק כרגע, תתקשרו אליי מחר ב-5 אחר הצהריים.",
            "Je suis occupé en ce moment, rappelez-moi demain à 17h.",
            "Ich bin gerade beschäftigt, rufen Sie mich morgen um 17 Uhr zurück.",
            "Ahora estoy ocupado, llámeme mañana a las 5 de la tarde.",
            "Adesso sono occupato, mi richiami domani alle 17.",
            "أنا مشغول الآن، اتصل بي غدا الساعة 5 مساء.",
            "Estou ocupado agora, me ligue amanhã às 17h.",
            "Ik ben nu bezig, belt u me morgen om 17.00 uur terug.",
            "Я сейчас занят, перезвоните мне завтра в 17:00.",
            "Jestem teraz zajęty, proszę zadzwonić jutro o 17:00.",
            "Şu an meşgulüm, beni yarın saat 17:00'de arayın.",
            "今忙しいので、明日の17時にかけ直してください。",
            "मैं अभी व्यस्त हूँ, कल शाम 5 बजे फ़ोन कीजिए।",
            "我现在很忙，明天下午5点再打给我吧。",
        ],
        Line::OptOut => [
            "Please stop calling me and remove my number from your list.",
            "בבקשה הפסיקו להתקשר אליי ומחקו את המספר שלי מהרשימה שלכם.",
            "Ne m'appelez plus, s'il vous plaît, et retirez mon numéro de votre liste.",
            "Bitte rufen Sie mich nicht mehr an und löschen Sie meine Nummer von Ihrer Liste.",
            "Por favor, dejen de llamarme y borren mi número de su lista.",
            "Per favore, smettete di chiamarmi e cancellate il mio numero dalla vostra lista.",
            "من فضلك توقفوا عن الاتصال بي واحذفوا رقمي من قائمتكم.",
            "Por favor, parem de me ligar e removam o meu número da sua lista.",
            "Bel me alstublieft niet meer en verwijder mijn nummer uit uw lijst.",
            "Пожалуйста, больше не звоните мне и удалите мой номер из вашего списка.",
            "Proszę więcej do mnie nie dzwonić i usunąć mój numer z listy.",
            "Lütfen beni bir daha aramayın ve numaramı listenizden silin.",
            "もう電話しないでください。番号をリストから削除してください。",
            "कृपया मुझे दोबारा फ़ोन मत कीजिए और मेरा नंबर अपनी सूची से हटा दीजिए।",
            "请不要再给我打电话了，把我的号码从名单上删掉。",
        ],
        Line::WhoIsThis => [
            "Who is this?",
            "מי זה?",
            "C'est qui ?",
            "Wer ist da?",
            "¿Quién habla?",
            "Chi parla?",
            "من معي؟",
            "Quem está falando?",
            "Met wie spreek ik?",
            "Кто это?",
            "Kto mówi?",
            "Kimsiniz?",
            "どちら様ですか？",
            "आप कौन बोल रहे हैं?",
            "请问您是哪位？",
        ],
        Line::VoicemailGreeting => [
            "Hi, you've reached my voicemail. Please leave a message after the beep.",
            "שלום, הגעתם לתא הקולי שלי. השאירו הודעה אחרי הצפצוף.",
            "Bonjour, vous êtes bien sur ma messagerie. Laissez-moi un message après le bip.",
            "Hallo, hier ist meine Mailbox. Bitte hinterlassen Sie eine Nachricht nach dem Signalton.",
            "Hola, ha llamado a mi buzón de voz. Deje un mensaje después de la señal.",
            "Ciao, sono la segreteria telefonica. Lascia un messaggio dopo il segnale acustico.",
            "مرحبا، لقد وصلت إلى بريدي الصوتي. يرجى ترك رسالة بعد سماع الصافرة.",
            "Olá, você ligou para a minha caixa postal. Deixe sua mensagem após o sinal.",
            "Hallo, u spreekt met mijn voicemail. Laat een bericht achter na de piep.",
            "Здравствуйте, вы позвонили на мой автоответчик. Оставьте сообщение после сигнала.",
            "Dzień dobry, tu poczta głosowa. Proszę zostawić wiadomość po sygnale.",
            "Merhaba, sesli mesaj kutuma ulaştınız. Lütfen sinyal sesinden sonra mesajınızı bırakın.",
            "ただいま電話に出ることができません。発信音の後にメッセージをお願いします。",
            "नमस्ते, आप मेरे वॉइसमेल पर पहुँचे हैं। कृपया बीप के बाद अपना संदेश छोड़ें।",
            "您好，我现在无法接听电话，请在提示音后留言。",
        ],
        Line::SwitchIntro => [
            "Sorry, can we continue in English?",
            "סליחה, אפשר להמשיך בעברית?",
            "Pardon, on peut continuer en français ?",
            "Entschuldigung, können wir auf Deutsch weitermachen?",
            "Perdone, ¿podemos seguir en español?",
            "Scusi, possiamo continuare in italiano?",
            "عذرا، هل يمكننا أن نكمل بالعربية؟",
            "Desculpe, podemos continuar em português?",
            "Sorry, kunnen we in het Nederlands verder?",
            "Извините, можем продолжить по-русски?",
            "Przepraszam, możemy rozmawiać po polsku?",
            "Pardon, Türkçe devam edebilir miyiz?",
            "すみません、日本語で話してもいいですか？",
            "माफ़ कीजिए, क्या हम हिंदी में बात कर सकते हैं?",
            "不好意思，我们可以用中文继续吗？",
        ],
        Line::PickFirst => [
            "The first one, please.",
            "הראשון, בבקשה.",
            "Le premier, s'il vous plaît.",
            "Der erste, bitte.",
            "La primera opción, por favor.",
            "La prima opzione, per favore.",
            "الموعد الأول من فضلك.",
            "A primeira opção, por favor.",
            "De eerste, graag.",
            "Первый вариант, пожалуйста.",
            "Pierwszy termin, poproszę.",
            "Birinci seçenek lütfen.",
            "最初の日時でお願いします。",
            "पहला विकल्प, कृपया।",
            "第一个吧，谢谢。",
        ],
        Line::PickSecond => [
            "The second one, please.",
            "השני, בבקשה.",
            "Le deuxième, s'il vous plaît.",
            "Der zweite, bitte.",
            "La segunda opción, por favor.",
            "La seconda opzione, per favore.",
            "الموعد الثاني من فضلك.",
            "A segunda opção, por favor.",
            "De tweede, graag.",
            "Второй вариант, пожалуйста.",
            "Drugi termin, poproszę.",
            "İkinci seçenek lütfen.",
            "二番目の日時でお願いします。",
            "दूसरा विकल्प, कृपया।",
            "第二个吧，谢谢。",
        ],
        Line::PickThird => [
            "The third one, please.",
            "השלישי, בבקשה.",
            "Le troisième, s'il vous plaît.",
            "Der dritte, bitte.",
            "La tercera opción, por favor.",
            "La terza opzione, per favore.",
            "الموعد الثالث من فضلك.",
            "A terceira opção, por favor.",
            "De derde, graag.",
            "Третий вариант, пожалуйста.",
            "Trzeci termin, poproszę.",
            "Üçüncü seçenek lütfen.",
            "三番目の日時でお願いします。",
            "तीसरा विकल्प, कृपया।",
            "第三个吧，谢谢。",
        ],
        Line::AskAnotherDay => [
            "Hmm, none of those work for me. Do you have another day?",
            "אף אחד מהמועדים האלה לא מתאים לי. יש לך יום אחר?",
            "Aucun de ces créneaux ne me convient. Vous auriez un autre jour ?",
            "Keiner dieser Termine passt mir. Haben Sie einen anderen Tag?",
            "Ninguno de esos horarios me viene bien. ¿Tiene otro día?",
            "Nessuno di questi orari mi va bene. Ha un altro giorno?",
            "ولا واحد من هذه المواعيد يناسبني. هل لديك يوم آخر؟",
            "Nenhum desses horários me serve. Você tem outro dia?",
            "Geen van deze tijden komt mij uit. Heeft u een andere dag?",
            "Ни одно из этих времён мне не подходит. Есть другой день?",
            "Żaden z tych terminów mi nie pasuje. Czy jest możliwy inny dzień?",
            "Bu saatlerin hiçbiri bana uymuyor. Başka bir gün olur mu?",
            "どの日時も都合が悪いです。別の日はありますか？",
            "इनमें से कोई भी समय मेरे लिए ठीक नहीं है। क्या कोई और दिन हो सकता है?",
            "这几个时间都不太合适。有没有别的日子？",
        ],
        Line::CallbackLater => [
            "Then please call me back tomorrow at 5 pm.",
            "אז תתקשרו אליי מחר ב-5 אחר הצהריים.",
            "Alors rappelez-moi demain à 17h.",
            "Dann rufen Sie mich bitte morgen um 17 Uhr zurück.",
            "Entonces llámeme mañana a las 5 de la tarde.",
            "Allora mi richiami domani alle 17.",
            "إذن اتصل بي غدا الساعة 5 مساء.",
            "Então me ligue amanhã às 17h.",
            "Belt u me dan morgen om 17.00 uur terug.",
            "Тогда перезвоните мне завтра в 17:00.",
            "To proszę zadzwonić jutro o 17:00.",
            "O zaman beni yarın saat 17:00'de arayın.",
            "では、明日の17時にかけ直してください。",
            "तो कल शाम 5 बजे फ़ोन कीजिए।",
            "那请明天下午5点再打给我。",
        ],
    }
}

/// The callee picking the `n`-th offered slot (1-based; 1..=3, anything
/// else picks the third).
pub fn pick_line(n: usize, lang: Lang) -> &'static str {
    let which = match n {
        0 | 1 => Line::PickFirst,
        2 => Line::PickSecond,
        _ => Line::PickThird,
    };
    line(which, lang)
}

/// The callee spelling out their email address.
pub fn email_line(lang: Lang, email: &str) -> String {
    match lang {
        Lang::En => format!("My email is {email}."),
        Lang::He => format!("המייל שלי הוא {email}."),
        Lang::Fr => format!("Mon adresse e-mail, c'est {email}."),
        Lang::De => format!("Meine E-Mail-Adresse ist {email}."),
        Lang::Es => format!("Mi correo es {email}."),
        Lang::It => format!("La mia email è {email}."),
        Lang::Ar => format!("بريدي الإلكتروني هو {email}."),
        Lang::Pt => format!("Meu e-mail é {email}."),
        Lang::Nl => format!("Mijn e-mailadres is {email}."),
        Lang::Ru => format!("Моя почта — {email}."),
        Lang::Pl => format!("Mój e-mail to {email}."),
        Lang::Tr => format!("E-posta adresim {email}."),
        Lang::Ja => format!("メールアドレスは{email}です。"),
        Lang::Hi => format!("मेरा ईमेल {email} है।"),
        Lang::Zh => format!("我的邮箱是{email}。"),
    }
}

/// What an agent line asks of the callee during booking, as the scripted
/// callees understand it (keyed on the scripted model's wording in every
/// language, see `llm::replies`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentCue {
    /// The agent says goodbye (also after confirming a booking).
    Goodbye,
    /// No free slots; the agent proposes a call back.
    NoSlots,
    /// The slot the callee picked was just taken; a fresh offer follows.
    Taken,
    /// The agent asks for the callee's email address.
    AskEmail,
    /// The agent offers slots to pick from.
    Offer,
    /// Anything else.
    Other,
}

const NO_SLOTS_CUES: &[&str] = &[
    "no free times",
    "no other free times",
    "אין לי מועדים פנויים",
    "aucun creneau libre",
    "aucun autre creneau libre",
    "keine freien termine",
    "no tengo horarios libres",
    "no tengo mas horarios libres",
    "non ho orari liberi",
    "non ho altri orari liberi",
    "مواعيد متاحة",
    "nao tenho horarios livres",
    "nao tenho outros horarios livres",
    "geen vrije tijden",
    "geen andere vrije tijden",
    "нет свободного времени",
    "другого свободного времени",
    "wolnych terminow",
    "bos saatim yok",
    "空いている日時がございません",
    "खाली समय नहीं",
    "没有空闲",
    "没有其他空闲",
];
const TAKEN_CUES: &[&str] = &[
    "just been taken",
    "נתפס הרגע",
    "vient d etre reserve",
    "gerade vergeben",
    "acaba de quedar ocupado",
    "appena stato prenotato",
    "حجزه شخص اخر",
    "acabou de ser reservado",
    "net door iemand anders geboekt",
    "только что заняли",
    "wlasnie zarezerwowal",
    "az once baskasi tarafindan alindi",
    "たった今ほかの方",
    "किसी और ने बुक",
    "刚刚被别人",
];
const ASK_EMAIL_CUES: &[&str] = &[
    "email address",
    "כתובת מייל",
    "adresse e mail",
    "e mail adresse",
    "correo electronico",
    "indirizzo email",
    "عنوان بريد الكتروني",
    "endereco de e mail",
    "welk e mailadres",
    "адрес электронной почты",
    "adres e mail",
    "e posta adresine",
    "メールアドレス",
    "ईमेल पते",
    "邮箱地址",
];
const OFFER_CUES: &[&str] = &[
    "i can offer",
    "אני יכול להציע",
    "je peux vous proposer",
    "ich kann ihnen",
    "puedo ofrecerle",
    "posso proporle",
    "يمكنني ان اقترح",
    "posso oferecer",
    "ik kan u",
    "могу предложить",
    "moge zaproponowac",
    "onerebilirim",
    "ご提案できます",
    "सुझा सकता",
    "我可以为您安排",
];

/// The scripted model's own questions that ask the callee for nothing but to go on (a
/// minute to talk, a short meeting, to repeat, when to call back): a callee hears them as a
/// prompt to continue its script, not as a question to answer.
const SCRIPT_QUESTION_CUES: &[&str] = &[
    "short meeting",
    "a minute",
    "say that again",
    "call you back",
    "פגישה קצרה",
    "יש לך דקה",
    "לחזור על זה",
    "שנחזור אליך",
    "court rendez vous",
    "une minute",
    "pourriez vous repeter",
    "vous rappeler",
    "kurzer termin",
    "eine minute",
    "wiederholen",
    "zuruckrufen",
    "breve reunion",
    "un minuto",
    "repetirlo",
    "que le llame",
    "breve incontro",
    "ripetere",
    "richiamarla",
    "اجتماع قصير",
    "لديك دقيقة",
    "تعيد ما قلت",
    "نعاود الاتصال",
    "reuniao rapida",
    "um minuto",
    "pode repetir",
    "ligar de volta",
    "kort gesprek",
    "minuutje",
    "herhalen",
    "terugbellen",
    "короткую встречу",
    "встретиться ненадолго",
    "минутк",
    "повторить",
    "перезвонили",
    "krotkie spotkanie",
    "zajac chwile",
    "powtorzyc",
    "moge oddzwonic",
    "kisa bir toplanti",
    "dakikaniz var",
    "tekrar edebilir",
    "tekrar arayabilirim",
    "短いお打ち合わせ",
    "少しだけお時間",
    "もう一度おっしゃって",
    "いつ頃お電話",
    "छोटी मीटिंग",
    "एक मिनट",
    "दोबारा कह",
    "दोबारा फ़ोन करना",
    "简短开个会",
    "一分钟",
    "再说一遍",
    "回电话",
];

/// Whether an agent line asks the callee something to answer (a qualification question):
/// a question that is none of the scripted model's prompts to go on.
pub fn is_open_question(text: &str) -> bool {
    use crate::llm::text::{fold, has_any};
    text.contains(['?', '？', '؟']) && !has_any(&fold(text), SCRIPT_QUESTION_CUES)
}

/// Classifies an agent line for the booking dialogue.
pub fn agent_cue(text: &str) -> AgentCue {
    use crate::llm::text::{fold, has_any};
    if is_goodbye(text) {
        return AgentCue::Goodbye;
    }
    let folded = fold(text);
    if has_any(&folded, NO_SLOTS_CUES) {
        AgentCue::NoSlots
    } else if has_any(&folded, TAKEN_CUES) {
        AgentCue::Taken
    } else if has_any(&folded, ASK_EMAIL_CUES) {
        AgentCue::AskEmail
    } else if has_any(&folded, OFFER_CUES) {
        AgentCue::Offer
    } else {
        AgentCue::Other
    }
}

/// Mumbled speech for the `unintelligible` persona; `n` picks a variant.
pub fn garbled(lang: Lang, n: usize) -> &'static str {
    let variants: [&str; 3] = match lang {
        Lang::En => [
            "mmh ... grr ... the ...",
            "uh ... kss ... what ... mm",
            "... hnn ... the ... ngh",
        ],
        Lang::He => [
            "אממ ... גרר ... ה ...",
            "אה ... ששש ... מה ... ממ",
            "... הממ ... ה ... נג",
        ],
        Lang::Fr => [
            "mmh ... grr ... le ...",
            "euh ... kss ... quoi ... mm",
            "... hnn ... la ... ngh",
        ],
        Lang::De => [
            "mmh ... grr ... der ...",
            "äh ... kss ... was ... mm",
            "... hnn ... die ... ngh",
        ],
        Lang::Es => [
            "mmh ... grr ... el ...",
            "eh ... kss ... qué ... mm",
            "... hnn ... la ... ngh",
        ],
        Lang::It => [
            "mmh ... grr ... il ...",
            "ehm ... kss ... cosa ... mm",
            "... hnn ... la ... ngh",
        ],
        Lang::Ar => [
            "أمم ... ررر ... ال ...",
            "آه ... ششش ... ماذا ... مم",
            "... همم ... ال ... نغ",
        ],
        Lang::Pt => [
            "hum ... grr ... o ...",
            "ahn ... kss ... quê ... mm",
            "... hnn ... a ... ngh",
        ],
        Lang::Nl => [
            "hmm ... grr ... de ...",
            "eh ... kss ... wat ... mm",
            "... hnn ... het ... ngh",
        ],
        Lang::Ru => [
            "ммм ... грр ... это ...",
            "э-э ... ксс ... что ... мм",
            "... хмм ... ну ... нгх",
        ],
        Lang::Pl => [
            "yyy ... grr ... to ...",
            "eee ... kss ... co ... mm",
            "... hmm ... tego ... ngh",
        ],
        Lang::Tr => [
            "ıı ... grr ... şey ...",
            "ee ... kss ... ne ... mm",
            "... hmm ... bu ... ngh",
        ],
        Lang::Ja => [
            "えーと ... うーん ... あの ...",
            "えっと ... ... なに ... ん",
            "... うー ... その ... ん",
        ],
        Lang::Hi => [
            "अम्म ... ह्म्म ... वो ...",
            "अ ... क्स्स ... क्या ... म्म",
            "... हम्म ... ये ... न्ग",
        ],
        Lang::Zh => [
            "嗯 ... 呃 ... 那个 ...",
            "啊 ... 嘶 ... 什么 ... 嗯",
            "... 嗯嗯 ... 这个 ... 呃",
        ],
    };
    variants[n % variants.len()]
}

/// Farewells in every supported language, lowercase.
const FAREWELLS: &[&str] = &[
    "goodbye",
    "good bye",
    "bye",
    "להתראות",
    "ביי",
    "au revoir",
    "auf wiederhören",
    "auf wiedersehen",
    "tschüss",
    "adiós",
    "adios",
    "hasta luego",
    "arrivederci",
    "ciao",
    "مع السلامة",
    "إلى اللقاء",
    "tchau",
    "até logo",
    "adeus",
    "tot ziens",
    "tot horens",
    "doei",
    "до свидания",
    "всего доброго",
    "do widzenia",
    "do usłyszenia",
    "hoşça kalın",
    "görüşmek üzere",
    "さようなら",
    "失礼いたします",
    "失礼します",
    "अलविदा",
    "फिर मिलेंगे",
    "再见",
];

/// Japanese and Chinese are written without spaces, so their words have no
/// boundaries to check.
fn unspaced(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}')
}

/// Whether the agent's words contain a farewell in any supported language.
pub fn is_goodbye(text: &str) -> bool {
    let lower = text.to_lowercase();
    FAREWELLS.iter().any(|f| {
        if f.chars().any(unspaced) {
            return lower.contains(f);
        }
        lower.match_indices(f).any(|(i, _)| {
            let before = lower[..i].chars().next_back();
            let after = lower[i + f.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_from_number_and_tag() {
        assert_eq!(Lang::from_number("+972501234500"), Lang::He);
        assert_eq!(Lang::from_number("+33612345600"), Lang::Fr);
        assert_eq!(Lang::from_number("+4915112345600"), Lang::De);
        assert_eq!(Lang::from_number("+34612345600"), Lang::Es);
        assert_eq!(Lang::from_number("+393123456700"), Lang::It);
        assert_eq!(Lang::from_number("+15551234500"), Lang::En);
        assert_eq!(Lang::from_number("+447700900100"), Lang::En);
        for (number, lang) in [
            ("+966501234500", Lang::Ar),
            ("+201012345600", Lang::Ar),
            ("+212612345600", Lang::Ar),
            ("+5511912345600", Lang::Pt),
            ("+351912345600", Lang::Pt),
            ("+31612345600", Lang::Nl),
            ("+79123456700", Lang::Ru),
            ("+48512345600", Lang::Pl),
            ("+905321234500", Lang::Tr),
            ("+819012345600", Lang::Ja),
            ("+919812345600", Lang::Hi),
            ("+8613812345600", Lang::Zh),
            ("+85291234500", Lang::Zh),
            ("+32470123400", Lang::Fr),
            ("+3522345600", Lang::Fr),
            ("+41791234500", Lang::De),
            ("+41223456700", Lang::Fr),
            ("+41913456700", Lang::It),
            ("+15145550100", Lang::Fr),
            ("+14165550100", Lang::En),
        ] {
            assert_eq!(Lang::from_number(number), lang, "{number}");
        }
        assert_eq!(Lang::from_tag("he-IL"), Lang::He);
        assert_eq!(Lang::from_tag("fr_FR"), Lang::Fr);
        assert_eq!(Lang::from_tag("xx"), Lang::En);
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.code()), lang);
        }
        assert_eq!(Lang::from_tag("zh-CN"), Lang::Zh);
        assert_eq!(Lang::from_tag("cmn-Hans-CN"), Lang::Zh);
        assert_eq!(Lang::from_tag("ar-SA"), Lang::Ar);
        assert_eq!(Lang::from_tag("pt-BR"), Lang::Pt);
    }

    #[test]
    fn every_line_exists_in_every_language() {
        const LINES: [Line; 16] = [
            Line::ProposeTime,
            Line::Confirm,
            Line::Goodbye,
            Line::AskOffer,
            Line::AskCost,
            Line::NotInterested,
            Line::Callback,
            Line::OptOut,
            Line::WhoIsThis,
            Line::VoicemailGreeting,
            Line::SwitchIntro,
            Line::PickFirst,
            Line::PickSecond,
            Line::PickThird,
            Line::AskAnotherDay,
            Line::CallbackLater,
        ];
        for (i, l) in Lang::ALL.into_iter().enumerate() {
            assert_eq!(l as usize, i, "Lang::ALL is in row order");
            for which in LINES {
                assert!(!line(which, l).trim().is_empty(), "{l:?} {which:?}");
            }
            assert!(!garbled(l, 4).is_empty());
            assert!(email_line(l, "a@b.example").contains("a@b.example"));
        }
        // The rows differ per language (a row copied into the wrong column shows up here).
        for which in LINES {
            let distinct: std::collections::HashSet<&str> =
                Lang::ALL.iter().map(|l| line(which, *l)).collect();
            assert!(distinct.len() >= LANGS - 1, "{which:?}");
        }
    }

    #[test]
    fn detects_goodbyes() {
        assert!(is_goodbye("Wonderful, see you Thursday. Goodbye!"));
        assert!(is_goodbye("תודה רבה, להתראות"));
        assert!(is_goodbye("Merci, au revoir !"));
        assert!(is_goodbye(
            "ありがとうございました。それでは失礼いたします。"
        ));
        assert!(is_goodbye("谢谢，再见！"));
        assert!(is_goodbye("شكرا، مع السلامة!"));
        assert!(is_goodbye("Спасибо, до свидания!"));
        assert!(is_goodbye("Teşekkürler, hoşça kalın!"));
        assert!(is_goodbye("धन्यवाद, अलविदा!"));
        assert!(!is_goodbye("Goedendag, u spreekt met Alex."));
        assert!(!is_goodbye("नमस्ते, मैं एलेक्स बोल रहा हूँ।"));
        assert!(!is_goodbye(
            "Would a short meeting suit you? Maybe by email."
        ));
    }
}
