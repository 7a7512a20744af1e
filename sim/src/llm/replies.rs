//! What the scripted model says, in every supported language.

use chrono::{DateTime, Datelike, FixedOffset, Timelike, Weekday};

use crate::phrases::{LANGS, Lang, pick};

/// Kinds of questions the callee asks the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    /// What is this call about, what do you offer? (The goal of the call.)
    Offer,
    /// How much does it cost? (The knowledge, preferring a passage with a price.)
    Cost,
    /// Who is calling? (The business.)
    Who,
    /// Anything else. (The knowledge.)
    Other,
}

fn weekday_name(lang: Lang, day: Weekday) -> &'static str {
    // One row per language, in `Lang::ALL` order, Monday first.
    const NAMES: [[&str; 7]; LANGS] = [
        [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ],
        [
            "יום שני",
            "יום שלישי",
            "יום רביעי",
            "יום חמישי",
            "יום שישי",
            "שבת",
            "יום ראשון",
        ],
        [
            "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
        ],
        [
            "Montag",
            "Dienstag",
            "Mittwoch",
            "Donnerstag",
            "Freitag",
            "Samstag",
            "Sonntag",
        ],
        [
            "lunes",
            "martes",
            "miércoles",
            "jueves",
            "viernes",
            "sábado",
            "domingo",
        ],
        [
            "lunedì",
            "martedì",
            "mercoledì",
            "giovedì",
            "venerdì",
            "sabato",
            "domenica",
        ],
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
        // Russian and Polish with their preposition ("on Thursday"), as every reply uses them.
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
    NAMES[lang as usize][day.num_days_from_monday() as usize]
}

fn clock(lang: Lang, at: DateTime<FixedOffset>) -> String {
    if lang == Lang::Fr {
        format!("{}h{:02}", at.hour(), at.minute())
    } else {
        format!("{:02}:{:02}", at.hour(), at.minute())
    }
}

/// Confirms a booked meeting and says goodbye.
pub fn meeting_booked(lang: Lang, at: DateTime<FixedOffset>) -> String {
    let day = weekday_name(lang, at.weekday());
    let time = clock(lang, at);
    match lang {
        Lang::En => format!(
            "Wonderful, I've noted {day} at {time}. You'll receive an invitation shortly. Goodbye!"
        ),
        Lang::He => format!("מצוין, רשמתי {day} בשעה {time}. הזמנה תישלח אליך בקרוב. להתראות!"),
        Lang::Fr => format!(
            "Parfait, j'ai noté {day} à {time}. Vous recevrez une invitation sous peu. Au revoir !"
        ),
        Lang::De => format!(
            "Wunderbar, ich habe {day} um {time} Uhr notiert. Sie erhalten in Kürze eine Einladung. Auf Wiederhören!"
        ),
        Lang::Es => format!(
            "Estupendo, he anotado el {day} a las {time}. Recibirá una invitación en breve. ¡Adiós!"
        ),
        Lang::It => format!(
            "Perfetto, ho segnato {day} alle {time}. Riceverà a breve un invito. Arrivederci!"
        ),
        Lang::Ar => {
            format!("ممتاز، سجلت موعدك يوم {day} الساعة {time}. ستصلك دعوة قريبا. مع السلامة!")
        }
        Lang::Pt => {
            format!("Ótimo, anotei {day} às {time}. Você vai receber um convite em breve. Tchau!")
        }
        Lang::Nl => format!(
            "Prima, ik heb {day} om {time} genoteerd. U ontvangt binnenkort een uitnodiging. Tot ziens!"
        ),
        Lang::Ru => format!(
            "Отлично, записал вас {day} в {time}. Скоро вы получите приглашение. До свидания!"
        ),
        Lang::Pl => format!(
            "Świetnie, zapisuję {day} o {time}. Wkrótce przyjdzie zaproszenie. Do widzenia!"
        ),
        Lang::Tr => format!(
            "Harika, randevunuzu not aldım: {day}, saat {time}. Kısa süre içinde bir davet alacaksınız. Hoşça kalın!"
        ),
        Lang::Ja => format!(
            "ありがとうございます。{day}の{time}で承りました。まもなく招待状をお送りします。それでは失礼いたします。"
        ),
        Lang::Hi => format!(
            "बहुत बढ़िया, मैंने {day} को {time} बजे का समय नोट कर लिया है। आपको जल्द ही एक निमंत्रण मिलेगा। अलविदा!"
        ),
        Lang::Zh => format!("好的，我已经记下了{day}{time}。您很快会收到邀请。再见！"),
    }
}

/// Confirms a scheduled call back and says goodbye.
pub fn callback_scheduled(
    lang: Lang,
    at: DateTime<FixedOffset>,
    now: DateTime<FixedOffset>,
) -> String {
    let days = (at.date_naive() - now.date_naive()).num_days();
    let day = weekday_name(lang, at.weekday());
    let when = match days {
        0 => pick(
            lang,
            [
                "today",
                "היום",
                "aujourd'hui",
                "heute",
                "hoy",
                "oggi",
                "اليوم",
                "hoje",
                "vandaag",
                "сегодня",
                "dzisiaj",
                "bugün",
                "本日",
                "आज",
                "今天",
            ],
        )
        .to_owned(),
        1 => pick(
            lang,
            [
                "tomorrow",
                "מחר",
                "demain",
                "morgen",
                "mañana",
                "domani",
                "غدا",
                "amanhã",
                "morgen",
                "завтра",
                "jutro",
                "yarın",
                "明日",
                "कल",
                "明天",
            ],
        )
        .to_owned(),
        _ => match lang {
            Lang::En => format!("on {day}"),
            Lang::He => format!("ב{day}"),
            Lang::De => format!("am {day}"),
            Lang::Es => format!("el {day}"),
            Lang::Ar => format!("يوم {day}"),
            Lang::Pt if day.ends_with("feira") => format!("na {day}"),
            Lang::Pt => format!("no {day}"),
            Lang::Nl => format!("op {day}"),
            Lang::Hi => format!("{day} को"),
            Lang::Fr | Lang::It | Lang::Ru | Lang::Pl | Lang::Tr | Lang::Ja | Lang::Zh => {
                day.to_owned()
            }
        },
    };
    let time = clock(lang, at);
    match lang {
        Lang::En => format!("Of course, I'll call you back {when} at {time}. Goodbye!"),
        Lang::He => format!("בוודאי, אחזור אליך {when} בשעה {time}. להתראות!"),
        Lang::Fr => format!("Bien sûr, je vous rappelle {when} à {time}. Au revoir !"),
        Lang::De => {
            format!("Natürlich, ich rufe Sie {when} um {time} Uhr zurück. Auf Wiederhören!")
        }
        Lang::Es => format!("Por supuesto, le volveré a llamar {when} a las {time}. ¡Adiós!"),
        Lang::It => format!("Certo, la richiamerò {when} alle {time}. Arrivederci!"),
        Lang::Ar => format!("بالتأكيد، سأعاود الاتصال بك {when} الساعة {time}. مع السلامة!"),
        Lang::Pt => format!("Claro, eu ligo de volta {when} às {time}. Tchau!"),
        Lang::Nl => format!("Natuurlijk, ik bel u {when} om {time} terug. Tot ziens!"),
        Lang::Ru => format!("Конечно, я перезвоню вам {when} в {time}. До свидания!"),
        Lang::Pl => format!("Oczywiście, oddzwonię {when} o {time}. Do widzenia!"),
        Lang::Tr => format!("Tabii, sizi tekrar arayacağım: {when}, saat {time}. Hoşça kalın!"),
        Lang::Ja => {
            format!("かしこまりました。{when}の{time}にお電話いたします。それでは失礼いたします。")
        }
        Lang::Hi => format!("ज़रूर, मैं आपको {when} {time} बजे फिर से फ़ोन करूँगा। अलविदा!"),
        Lang::Zh => format!("没问题，我会在{when}{time}给您回电话。再见！"),
    }
}

/// Asks when to call back.
pub fn callback_when(lang: Lang) -> String {
    pick(
        lang,
        [
            "Of course. When would be a good time to call you back?",
            "בוודאי. מתי יהיה לך נוח שנחזור אליך?",
            "Bien sûr. Quand puis-je vous rappeler ?",
            "Natürlich. Wann darf ich Sie zurückrufen?",
            "Por supuesto. ¿Cuándo le viene bien que le llame?",
            "Certo. Quando posso richiamarla?",
            "بالتأكيد. متى يناسبك أن نعاود الاتصال بك؟",
            "Claro. Qual seria um bom horário para eu ligar de volta?",
            "Natuurlijk. Wanneer kan ik u het beste terugbellen?",
            "Конечно. Когда вам будет удобно, чтобы мы перезвонили?",
            "Oczywiście. Kiedy mogę oddzwonić?",
            "Tabii. Sizi ne zaman tekrar arayabilirim?",
            "かしこまりました。いつ頃お電話すればよろしいでしょうか？",
            "ज़रूर। आपको किस समय दोबारा फ़ोन करना ठीक रहेगा?",
            "没问题。我们什么时候给您回电话比较方便？",
        ],
    )
    .to_owned()
}

/// Confirms the number was removed.
pub fn opted_out(lang: Lang) -> String {
    pick(lang, [
        "Understood. I've removed your number from our list and we won't call you again. Goodbye!",
        "הבנתי. הסרתי את המספר שלך מהרשימה שלנו ולא נתקשר אליך שוב. להתראות!",
        "Entendu. J'ai retiré votre numéro de notre liste, nous ne vous appellerons plus. Au revoir !",
        "Verstanden. Ich habe Ihre Nummer von unserer Liste entfernt, wir rufen Sie nicht mehr an. Auf Wiederhören!",
        "Entendido. He eliminado su número de nuestra lista y no volveremos a llamarle. ¡Adiós!",
        "Capito. Ho rimosso il suo numero dalla nostra lista e non la chiameremo più. Arrivederci!",
        "مفهوم. لقد حذفت رقمك من قائمتنا ولن نتصل بك مرة أخرى. مع السلامة!",
        "Entendido. Removi o seu número da nossa lista e não vamos mais ligar. Tchau!",
        "Begrepen. Ik heb uw nummer van onze lijst verwijderd, we bellen u niet meer. Tot ziens!",
        "Понятно. Я удалил ваш номер из нашего списка, больше мы не будем звонить. До свидания!",
        "Rozumiem. Numer został usunięty z naszej listy i nie będziemy już dzwonić. Do widzenia!",
        "Anlaşıldı. Numaranızı listemizden sildim, sizi bir daha aramayacağız. Hoşça kalın!",
        "承知いたしました。お客様の番号をリストから削除しましたので、今後お電話することはございません。それでは失礼いたします。",
        "समझ गया। मैंने आपका नंबर हमारी सूची से हटा दिया है, हम आपको दोबारा फ़ोन नहीं करेंगे। अलविदा!",
        "明白了。我已经把您的号码从名单中删除，以后不会再打扰您。再见！",
    ])
    .to_owned()
}

/// Putting the callee through to a colleague.
pub fn transferring(lang: Lang) -> String {
    pick(
        lang,
        [
            "Of course. I'm putting you through to a colleague now, one moment please.",
            "כמובן. אני מעביר אותך עכשיו לעמית, רגע אחד בבקשה.",
            "Bien sûr. Je vous passe un collègue, un instant s'il vous plaît.",
            "Natürlich. Ich verbinde Sie jetzt mit einem Kollegen, einen Moment bitte.",
            "Por supuesto. Le paso con un compañero ahora mismo, un momento por favor.",
            "Certo. La metto in contatto con un collega, un attimo per favore.",
            "بالتأكيد. سأحولك الآن إلى أحد زملائي، لحظة من فضلك.",
            "Claro. Vou transferir a ligação para um colega agora, um momento por favor.",
            "Natuurlijk. Ik verbind u nu door met een collega, een ogenblik alstublieft.",
            "Конечно. Сейчас соединю вас с коллегой, одну минуту.",
            "Oczywiście. Już łączę z kolegą, chwileczkę.",
            "Tabii ki. Sizi hemen bir meslektaşıma bağlıyorum, bir dakika lütfen.",
            "かしこまりました。ただいま担当者におつなぎしますので、少々お待ちください。",
            "ज़रूर। मैं आपको अभी अपने एक सहकर्मी से जोड़ रहा हूँ, एक पल रुकिए।",
            "好的。我现在为您转接同事，请稍等。",
        ],
    )
    .to_owned()
}

/// Polite goodbye after a refusal.
pub fn not_interested(lang: Lang) -> String {
    pick(
        lang,
        [
            "I understand, thank you for your time. Have a nice day, goodbye!",
            "אני מבין, תודה על הזמן שלך. יום טוב ולהתראות!",
            "Je comprends, merci pour votre temps. Bonne journée, au revoir !",
            "Ich verstehe, vielen Dank für Ihre Zeit. Einen schönen Tag noch, auf Wiederhören!",
            "Lo entiendo, gracias por su tiempo. Que tenga un buen día, ¡adiós!",
            "Capisco, grazie per il suo tempo. Buona giornata, arrivederci!",
            "أتفهم ذلك، شكرا على وقتك. أتمنى لك يوما سعيدا، مع السلامة!",
            "Entendo, obrigado pelo seu tempo. Tenha um bom dia, tchau!",
            "Dat begrijp ik, bedankt voor uw tijd. Nog een fijne dag, tot ziens!",
            "Понимаю, спасибо за ваше время. Хорошего дня, до свидания!",
            "Rozumiem, dziękuję za poświęcony czas. Miłego dnia, do widzenia!",
            "Anlıyorum, zaman ayırdığınız için teşekkürler. İyi günler, hoşça kalın!",
            "承知いたしました。お時間をいただきありがとうございました。それでは失礼いたします。",
            "मैं समझता हूँ, आपके समय के लिए धन्यवाद। आपका दिन शुभ हो, अलविदा!",
            "明白，感谢您抽出时间。祝您愉快，再见！",
        ],
    )
    .to_owned()
}

/// Reacts to interest without a time by proposing one.
pub fn propose_meeting(lang: Lang) -> String {
    pick(lang, [
        "Great! Would a short meeting this week suit you, for example Thursday at 15:00?",
        "מצוין! האם פגישה קצרה השבוע תתאים לך, למשל ביום חמישי בשעה 15:00?",
        "Très bien ! Un court rendez-vous cette semaine vous conviendrait-il, par exemple jeudi à 15h00 ?",
        "Sehr gut! Würde Ihnen ein kurzer Termin diese Woche passen, zum Beispiel Donnerstag um 15:00 Uhr?",
        "¡Estupendo! ¿Le vendría bien una breve reunión esta semana, por ejemplo el jueves a las 15:00?",
        "Ottimo! Le andrebbe bene un breve incontro questa settimana, per esempio giovedì alle 15:00?",
        "رائع! هل يناسبك اجتماع قصير هذا الأسبوع، مثلا يوم الخميس الساعة 15:00؟",
        "Ótimo! Uma reunião rápida esta semana seria boa para você, por exemplo na quinta-feira às 15:00?",
        "Mooi! Zou een kort gesprek deze week u uitkomen, bijvoorbeeld donderdag om 15:00?",
        "Отлично! Вам удобно встретиться ненадолго на этой неделе, например в четверг в 15:00?",
        "Świetnie! Czy odpowiadałoby Państwu krótkie spotkanie w tym tygodniu, na przykład w czwartek o 15:00?",
        "Harika! Bu hafta kısa bir toplantı size uyar mı, örneğin Perşembe saat 15:00?",
        "ありがとうございます！今週、短いお打ち合わせはいかがでしょうか。たとえば木曜日の15:00はいかがですか？",
        "बहुत बढ़िया! क्या इस हफ़्ते एक छोटी मीटिंग ठीक रहेगी, जैसे गुरुवार को 15:00 बजे?",
        "太好了！这周简短开个会方便吗，比如星期四15:00？",
    ])
    .to_owned()
}

/// Asks the callee to repeat.
pub fn repeat(lang: Lang) -> String {
    pick(
        lang,
        [
            "Sorry, could you say that again?",
            "סליחה, תוכל לחזור על זה?",
            "Pardon, pourriez-vous répéter ?",
            "Entschuldigung, könnten Sie das bitte wiederholen?",
            "Perdone, ¿podría repetirlo?",
            "Scusi, può ripetere?",
            "عذرا، هل يمكنك أن تعيد ما قلت؟",
            "Desculpe, pode repetir?",
            "Sorry, kunt u dat herhalen?",
            "Извините, не могли бы вы повторить?",
            "Przepraszam, nie dosłyszałem. Czy można powtórzyć?",
            "Pardon, tekrar edebilir misiniz?",
            "すみません、もう一度おっしゃっていただけますか？",
            "माफ़ कीजिए, क्या आप दोबारा कह सकते हैं?",
            "不好意思，您能再说一遍吗？",
        ],
    )
    .to_owned()
}

/// Short closing line after a tool result.
pub fn after_tool(lang: Lang) -> String {
    pick(
        lang,
        [
            "Thank you for your time. Goodbye!",
            "תודה על הזמן שלך. להתראות!",
            "Merci pour votre temps. Au revoir !",
            "Vielen Dank für Ihre Zeit. Auf Wiederhören!",
            "Gracias por su tiempo. ¡Adiós!",
            "Grazie per il suo tempo. Arrivederci!",
            "شكرا على وقتك. مع السلامة!",
            "Obrigado pelo seu tempo. Tchau!",
            "Bedankt voor uw tijd. Tot ziens!",
            "Спасибо за ваше время. До свидания!",
            "Dziękuję za poświęcony czas. Do widzenia!",
            "Zaman ayırdığınız için teşekkürler. Hoşça kalın!",
            "お時間をいただきありがとうございました。それでは失礼いたします。",
            "आपके समय के लिए धन्यवाद। अलविदा!",
            "感谢您的时间。再见！",
        ],
    )
    .to_owned()
}

/// Joins slot labels (or a question's options) as spoken: "A, B or C" (with the language's
/// own comma and "or").
pub fn spoken_list(lang: Lang, labels: &[String]) -> String {
    let or = pick(
        lang,
        [
            "or",
            "או",
            "ou",
            "oder",
            "o",
            "o",
            "أو",
            "ou",
            "of",
            "или",
            "lub",
            "veya",
            "、または",
            "या",
            "或者",
        ],
    );
    let comma = match lang {
        Lang::Ar => "، ",
        Lang::Ja | Lang::Zh => "、",
        _ => ", ",
    };
    match labels {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] if matches!(lang, Lang::Ja | Lang::Zh) => {
            format!("{}{or}{last}", init.join(comma))
        }
        [init @ .., last] => format!("{} {or} {last}", init.join(comma)),
    }
}

/// Offers slots (labels already in the callee's language) and asks which one suits.
pub fn offer(lang: Lang, labels: &[String]) -> String {
    let list = spoken_list(lang, labels);
    let ask = if labels.len() == 1 {
        pick(
            lang,
            [
                "Does that suit you?",
                "זה מתאים לך?",
                "Cela vous convient-il ?",
                "Passt Ihnen das?",
                "¿Le viene bien?",
                "Le va bene?",
                "هل يناسبك هذا الموعد؟",
                "Esse horário é bom para você?",
                "Komt dat u uit?",
                "Вам это подходит?",
                "Czy ten termin odpowiada?",
                "Bu size uyar mı?",
                "こちらでご都合はいかがでしょうか？",
                "क्या यह आपके लिए ठीक रहेगा?",
                "这个时间方便吗？",
            ],
        )
    } else {
        pick(
            lang,
            [
                "Which suits you best?",
                "מה הכי נוח לך?",
                "Lequel vous convient le mieux ?",
                "Was passt Ihnen am besten?",
                "¿Qué le viene mejor?",
                "Quale preferisce?",
                "أي موعد يناسبك أكثر؟",
                "Qual fica melhor para você?",
                "Wat komt u het beste uit?",
                "Что вам удобнее?",
                "Który termin najbardziej odpowiada?",
                "Hangisi size daha uygun?",
                "どちらがご都合よろしいでしょうか？",
                "आपके लिए कौन-सा समय सबसे अच्छा रहेगा?",
                "您看哪个时间最合适？",
            ],
        )
    };
    match lang {
        Lang::En => format!("I can offer {list}. {ask}"),
        Lang::He => format!("אני יכול להציע {list}. {ask}"),
        Lang::Fr => format!("Je peux vous proposer {list}. {ask}"),
        Lang::De => format!("Ich kann Ihnen {list} anbieten. {ask}"),
        Lang::Es => format!("Puedo ofrecerle {list}. {ask}"),
        Lang::It => format!("Posso proporle {list}. {ask}"),
        Lang::Ar => format!("يمكنني أن أقترح عليك {list}. {ask}"),
        Lang::Pt => format!("Posso oferecer {list}. {ask}"),
        Lang::Nl => format!("Ik kan u {list} aanbieden. {ask}"),
        Lang::Ru => format!("Могу предложить {list}. {ask}"),
        Lang::Pl => format!("Mogę zaproponować {list}. {ask}"),
        Lang::Tr => format!("Size {list} önerebilirim. {ask}"),
        Lang::Ja => format!("{list}でご提案できます。{ask}"),
        Lang::Hi => format!("मैं आपको ये समय सुझा सकता हूँ: {list}। {ask}"),
        Lang::Zh => format!("我可以为您安排{list}。{ask}"),
    }
}

/// No free slots at all: apologises and proposes a call back.
pub fn no_slots(lang: Lang) -> String {
    pick(lang, [
        "I'm sorry, I have no free times in the coming days. Shall I call you back another time?",
        "מצטער, אין לי מועדים פנויים בימים הקרובים. לחזור אליך בזמן אחר?",
        "Je suis désolé, je n'ai aucun créneau libre dans les prochains jours. Puis-je vous rappeler à un autre moment ?",
        "Es tut mir leid, in den nächsten Tagen habe ich keine freien Termine. Darf ich Sie ein andermal zurückrufen?",
        "Lo siento, no tengo horarios libres en los próximos días. ¿Le parece que le llame en otro momento?",
        "Mi dispiace, non ho orari liberi nei prossimi giorni. Posso richiamarla in un altro momento?",
        "آسف، ليس لدي مواعيد متاحة في الأيام القادمة. هل أعاود الاتصال بك في وقت آخر؟",
        "Desculpe, não tenho horários livres nos próximos dias. Posso ligar para você em outro momento?",
        "Het spijt me, ik heb de komende dagen geen vrije tijden. Kan ik u een andere keer terugbellen?",
        "К сожалению, в ближайшие дни у меня нет свободного времени. Могу перезвонить вам в другой раз?",
        "Przykro mi, w najbliższych dniach nie mam wolnych terminów. Czy mogę oddzwonić innym razem?",
        "Üzgünüm, önümüzdeki günlerde boş saatim yok. Sizi başka bir zaman arayabilir miyim?",
        "申し訳ございません。この先数日は空いている日時がございません。また別の機会にお電話してもよろしいでしょうか？",
        "माफ़ कीजिए, अगले कुछ दिनों में मेरे पास कोई खाली समय नहीं है। क्या मैं आपको किसी और समय फ़ोन करूँ?",
        "抱歉，接下来几天我没有空闲的时间。我改天再给您打电话可以吗？",
    ])
    .to_owned()
}

/// The picked slot was just taken: apologises and offers `labels` instead
/// (or proposes a call back when nothing else is free).
pub fn slot_taken(lang: Lang, taken: Option<&str>, labels: &[String]) -> String {
    let taken = taken.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| {
        pick(
            lang,
            [
                "that time",
                "המועד הזה",
                "ce créneau",
                "dieser Termin",
                "ese horario",
                "quell'orario",
                "هذا الموعد",
                "esse horário",
                "dat tijdstip",
                "это время",
                "ten termin",
                "bu saat",
                "その日時",
                "वह समय",
                "那个时间",
            ],
        )
    });
    if labels.is_empty() {
        return match lang {
            Lang::En => format!(
                "Sorry, {taken} has just been taken, and I have no other free times in the coming days. Shall I call you back another time?"
            ),
            Lang::He => format!(
                "מצטער, {taken} נתפס הרגע, ואין לי מועדים פנויים אחרים בימים הקרובים. לחזור אליך בזמן אחר?"
            ),
            Lang::Fr => format!(
                "Désolé, {taken} vient d'être réservé par quelqu'un d'autre, et je n'ai aucun autre créneau libre dans les prochains jours. Puis-je vous rappeler à un autre moment ?"
            ),
            Lang::De => format!(
                "Entschuldigung, {taken} ist gerade vergeben worden, und in den nächsten Tagen habe ich keine freien Termine mehr. Darf ich Sie ein andermal zurückrufen?"
            ),
            Lang::Es => format!(
                "Lo siento, {taken} acaba de quedar ocupado y no tengo más horarios libres en los próximos días. ¿Le parece que le llame en otro momento?"
            ),
            Lang::It => format!(
                "Mi dispiace, {taken} è appena stato prenotato e non ho altri orari liberi nei prossimi giorni. Posso richiamarla in un altro momento?"
            ),
            Lang::Ar => format!(
                "آسف، {taken} حجزه شخص آخر للتو، وليس لدي مواعيد متاحة أخرى في الأيام القادمة. هل أعاود الاتصال بك في وقت آخر؟"
            ),
            Lang::Pt => format!(
                "Desculpe, {taken} acabou de ser reservado e não tenho outros horários livres nos próximos dias. Posso ligar para você em outro momento?"
            ),
            Lang::Nl => format!(
                "Sorry, {taken} is net door iemand anders geboekt en ik heb de komende dagen geen andere vrije tijden. Kan ik u een andere keer terugbellen?"
            ),
            Lang::Ru => format!(
                "Извините, {taken} только что заняли, а другого свободного времени в ближайшие дни у меня нет. Могу перезвонить вам в другой раз?"
            ),
            Lang::Pl => format!(
                "Przepraszam, ktoś właśnie zarezerwował {taken}, a w najbliższych dniach nie mam już innych wolnych terminów. Czy mogę oddzwonić innym razem?"
            ),
            Lang::Tr => format!(
                "Üzgünüm, {taken} az önce başkası tarafından alındı ve önümüzdeki günlerde başka boş saatim yok. Sizi başka bir zaman arayabilir miyim?"
            ),
            Lang::Ja => format!(
                "申し訳ございません、{taken}はたった今ほかの方のご予約で埋まってしまい、この先数日はほかに空いている日時がございません。また別の機会にお電話してもよろしいでしょうか？"
            ),
            Lang::Hi => format!(
                "माफ़ कीजिए, {taken} अभी-अभी किसी और ने बुक कर लिया है, और अगले कुछ दिनों में कोई और खाली समय नहीं है। क्या मैं आपको किसी और समय फ़ोन करूँ?"
            ),
            Lang::Zh => format!(
                "抱歉，{taken}刚刚被别人约走了，接下来几天也没有其他空闲时间了。我改天再给您打电话可以吗？"
            ),
        };
    }
    let sorry = match lang {
        Lang::En => format!("Sorry, {taken} has just been taken."),
        Lang::He => format!("מצטער, {taken} נתפס הרגע."),
        Lang::Fr => format!("Désolé, {taken} vient d'être réservé par quelqu'un d'autre."),
        Lang::De => format!("Entschuldigung, {taken} ist gerade vergeben worden."),
        Lang::Es => format!("Lo siento, {taken} acaba de quedar ocupado."),
        Lang::It => format!("Mi dispiace, {taken} è appena stato prenotato."),
        Lang::Ar => format!("آسف، {taken} حجزه شخص آخر للتو."),
        Lang::Pt => format!("Desculpe, {taken} acabou de ser reservado."),
        Lang::Nl => format!("Sorry, {taken} is net door iemand anders geboekt."),
        Lang::Ru => format!("Извините, {taken} только что заняли."),
        Lang::Pl => format!("Przepraszam, ktoś właśnie zarezerwował {taken}."),
        Lang::Tr => format!("Üzgünüm, {taken} az önce başkası tarafından alındı."),
        Lang::Ja => {
            format!("申し訳ございません、{taken}はたった今ほかの方のご予約で埋まってしまいました。")
        }
        Lang::Hi => format!("माफ़ कीजिए, {taken} अभी-अभी किसी और ने बुक कर लिया है।"),
        Lang::Zh => format!("抱歉，{taken}刚刚被别人约走了。"),
    };
    match lang {
        Lang::Ja | Lang::Zh => format!("{sorry}{}", offer(lang, labels)),
        _ => format!("{sorry} {}", offer(lang, labels)),
    }
}

/// Asks for the email address the invitation should go to.
pub fn ask_email(lang: Lang) -> String {
    pick(
        lang,
        [
            "Which email address should I send the invitation to?",
            "לאיזו כתובת מייל לשלוח את ההזמנה?",
            "À quelle adresse e-mail dois-je envoyer l'invitation ?",
            "An welche E-Mail-Adresse soll ich die Einladung schicken?",
            "¿A qué dirección de correo electrónico le envío la invitación?",
            "A quale indirizzo email posso mandare l'invito?",
            "إلى أي عنوان بريد إلكتروني أرسل الدعوة؟",
            "Para qual endereço de e-mail devo enviar o convite?",
            "Naar welk e-mailadres mag ik de uitnodiging sturen?",
            "На какой адрес электронной почты отправить приглашение?",
            "Na jaki adres e-mail mam wysłać zaproszenie?",
            "Daveti hangi e-posta adresine göndereyim?",
            "招待状はどのメールアドレスにお送りすればよろしいですか？",
            "निमंत्रण किस ईमेल पते पर भेजूँ?",
            "邀请应该发到哪个邮箱地址？",
        ],
    )
    .to_owned()
}

/// Confirms a booked slot (and where the invitation goes) and says goodbye.
pub fn booking_confirmed(lang: Lang, label: &str, email: Option<&str>) -> String {
    match (lang, email) {
        (Lang::En, Some(email)) => format!(
            "You're booked for {label}; the invitation goes to {email}. Thank you, goodbye!"
        ),
        (Lang::En, None) => format!(
            "You're booked for {label}; you'll receive an invitation shortly. Thank you, goodbye!"
        ),
        (Lang::He, Some(email)) => {
            format!("הפגישה נקבעה: {label}. ההזמנה תישלח אל {email}. תודה, להתראות!")
        }
        (Lang::He, None) => {
            format!("הפגישה נקבעה: {label}. הזמנה תישלח אליך בקרוב. תודה, להתראות!")
        }
        (Lang::Fr, Some(email)) => format!(
            "Rendez-vous confirmé : {label}. L'invitation sera envoyée à {email}. Merci, au revoir !"
        ),
        (Lang::Fr, None) => format!(
            "Rendez-vous confirmé : {label}. Vous recevrez une invitation sous peu. Merci, au revoir !"
        ),
        (Lang::De, Some(email)) => format!(
            "Termin bestätigt: {label}. Die Einladung geht an {email}. Vielen Dank, auf Wiederhören!"
        ),
        (Lang::De, None) => format!(
            "Termin bestätigt: {label}. Sie erhalten in Kürze eine Einladung. Vielen Dank, auf Wiederhören!"
        ),
        (Lang::Es, Some(email)) => format!(
            "Reserva confirmada: {label}. La invitación llegará a {email}. ¡Gracias, adiós!"
        ),
        (Lang::Es, None) => format!(
            "Reserva confirmada: {label}. Recibirá una invitación en breve. ¡Gracias, adiós!"
        ),
        (Lang::It, Some(email)) => format!(
            "Appuntamento confermato: {label}. L'invito arriverà a {email}. Grazie, arrivederci!"
        ),
        (Lang::It, None) => format!(
            "Appuntamento confermato: {label}. Riceverà a breve un invito. Grazie, arrivederci!"
        ),
        (Lang::Ar, Some(email)) => {
            format!("تم تأكيد موعدك: {label}. سنرسل الدعوة إلى {email}. شكرا، مع السلامة!")
        }
        (Lang::Ar, None) => {
            format!("تم تأكيد موعدك: {label}. ستصلك دعوة قريبا. شكرا، مع السلامة!")
        }
        (Lang::Pt, Some(email)) => {
            format!("Reunião confirmada: {label}. O convite vai para {email}. Obrigado, tchau!")
        }
        (Lang::Pt, None) => format!(
            "Reunião confirmada: {label}. Você vai receber um convite em breve. Obrigado, tchau!"
        ),
        (Lang::Nl, Some(email)) => format!(
            "Afspraak bevestigd: {label}. De uitnodiging gaat naar {email}. Bedankt, tot ziens!"
        ),
        (Lang::Nl, None) => format!(
            "Afspraak bevestigd: {label}. U ontvangt binnenkort een uitnodiging. Bedankt, tot ziens!"
        ),
        (Lang::Ru, Some(email)) => format!(
            "Встреча подтверждена: {label}. Приглашение придёт на {email}. Спасибо, до свидания!"
        ),
        (Lang::Ru, None) => format!(
            "Встреча подтверждена: {label}. Приглашение скоро придёт. Спасибо, до свидания!"
        ),
        (Lang::Pl, Some(email)) => format!(
            "Spotkanie potwierdzone: {label}. Zaproszenie wyślemy na {email}. Dziękuję, do widzenia!"
        ),
        (Lang::Pl, None) => format!(
            "Spotkanie potwierdzone: {label}. Zaproszenie wkrótce dotrze. Dziękuję, do widzenia!"
        ),
        (Lang::Tr, Some(email)) => format!(
            "Randevunuz onaylandı: {label}. Davet {email} adresine gönderilecek. Teşekkürler, hoşça kalın!"
        ),
        (Lang::Tr, None) => format!(
            "Randevunuz onaylandı: {label}. Kısa süre içinde bir davet alacaksınız. Teşekkürler, hoşça kalın!"
        ),
        (Lang::Ja, Some(email)) => format!(
            "ご予約を承りました：{label}。招待状を{email}にお送りします。ありがとうございました。それでは失礼いたします。"
        ),
        (Lang::Ja, None) => format!(
            "ご予約を承りました：{label}。まもなく招待状をお送りします。ありがとうございました。それでは失礼いたします。"
        ),
        (Lang::Hi, Some(email)) => {
            format!("आपकी मीटिंग बुक हो गई है: {label}। निमंत्रण {email} पर भेजा जाएगा। धन्यवाद, अलविदा!")
        }
        (Lang::Hi, None) => {
            format!("आपकी मीटिंग बुक हो गई है: {label}। आपको जल्द ही निमंत्रण मिल जाएगा। धन्यवाद, अलविदा!")
        }
        (Lang::Zh, Some(email)) => {
            format!("预约已确认：{label}。邀请将发送到{email}。谢谢，再见！")
        }
        (Lang::Zh, None) => format!("预约已确认：{label}。您很快会收到邀请。谢谢，再见！"),
    }
}

/// Filler while the model checks the calendar (the product does not speak
/// it when it loops on the tool call).
pub fn checking_calendar(lang: Lang) -> String {
    pick(
        lang,
        [
            "Let me check the calendar.",
            "רגע, אני בודק ביומן.",
            "Je regarde l'agenda.",
            "Ich schaue kurz in den Kalender.",
            "Déjeme mirar la agenda.",
            "Controllo subito l'agenda.",
            "لحظة، سأتحقق من التقويم.",
            "Deixe-me verificar a agenda.",
            "Ik kijk even in de agenda.",
            "Сейчас посмотрю календарь.",
            "Sprawdzę kalendarz.",
            "Takvime bir bakayım.",
            "カレンダーを確認いたします。",
            "एक पल, मैं कैलेंडर देख लेता हूँ।",
            "我查一下日历。",
        ],
    )
    .to_owned()
}

/// Filler while the model books a slot.
pub fn booking_slot(lang: Lang) -> String {
    pick(
        lang,
        [
            "One moment, I'll book that for you.",
            "רגע, אני קובע את זה.",
            "Un instant, je réserve ce créneau.",
            "Einen Moment, ich buche den Termin.",
            "Un momento, se lo reservo.",
            "Un attimo, lo prenoto subito.",
            "لحظة من فضلك، سأحجز هذا الموعد لك.",
            "Um momento, vou reservar para você.",
            "Een moment, ik boek dat voor u.",
            "Одну минуту, сейчас забронирую.",
            "Chwileczkę, już rezerwuję.",
            "Bir dakika, hemen ayırıyorum.",
            "少々お待ちください、ご予約をお取りします。",
            "एक पल, मैं इसे बुक कर देता हूँ।",
            "请稍等，我这就为您预约。",
        ],
    )
    .to_owned()
}
