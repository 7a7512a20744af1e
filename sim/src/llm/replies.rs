//! What the scripted model says, in every supported language.

use chrono::{DateTime, Datelike, FixedOffset, Timelike, Weekday};

use crate::phrases::{Lang, pick};

/// Kinds of questions the model can answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    /// What does the company offer?
    Offer,
    /// How much does it cost?
    Cost,
    /// Who is calling?
    Who,
}

fn weekday_name(lang: Lang, day: Weekday) -> &'static str {
    let names: [[&str; 6]; 7] = [
        ["Monday", "יום שני", "lundi", "Montag", "lunes", "lunedì"],
        [
            "Tuesday",
            "יום שלישי",
            "mardi",
            "Dienstag",
            "martes",
            "martedì",
        ],
        [
            "Wednesday",
            "יום רביעי",
            "mercredi",
            "Mittwoch",
            "miércoles",
            "mercoledì",
        ],
        [
            "Thursday",
            "יום חמישי",
            "jeudi",
            "Donnerstag",
            "jueves",
            "giovedì",
        ],
        [
            "Friday",
            "יום שישי",
            "vendredi",
            "Freitag",
            "viernes",
            "venerdì",
        ],
        ["Saturday", "שבת", "samedi", "Samstag", "sábado", "sabato"],
        [
            "Sunday",
            "יום ראשון",
            "dimanche",
            "Sonntag",
            "domingo",
            "domenica",
        ],
    ];
    pick(lang, names[day.num_days_from_monday() as usize])
}

fn clock(lang: Lang, at: DateTime<FixedOffset>) -> String {
    if lang == Lang::Fr {
        format!("{}h{:02}", at.hour(), at.minute())
    } else {
        format!("{:02}:{:02}", at.hour(), at.minute())
    }
}

/// Opening line when the conversation has no user message yet.
pub fn greeting(lang: Lang) -> String {
    pick(lang, [
        "Hello! This is Alex calling from Callwright. We help companies automate their outbound calls. Do you have a minute?",
        "שלום! כאן אלכס מ-Callwright. אנחנו עוזרים לחברות להפוך שיחות יוצאות לאוטומטיות. יש לך דקה?",
        "Bonjour ! Ici Alex de Callwright. Nous aidons les entreprises à automatiser leurs appels sortants. Avez-vous une minute ?",
        "Guten Tag! Hier ist Alex von Callwright. Wir helfen Unternehmen, ausgehende Anrufe zu automatisieren. Haben Sie eine Minute?",
        "¡Hola! Soy Alex, de Callwright. Ayudamos a las empresas a automatizar sus llamadas salientes. ¿Tiene un minuto?",
        "Buongiorno! Sono Alex di Callwright. Aiutiamo le aziende ad automatizzare le chiamate in uscita. Ha un minuto?",
    ])
    .to_owned()
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
            ["today", "היום", "aujourd'hui", "heute", "hoy", "oggi"],
        )
        .to_owned(),
        1 => pick(
            lang,
            ["tomorrow", "מחר", "demain", "morgen", "mañana", "domani"],
        )
        .to_owned(),
        _ => match lang {
            Lang::En => format!("on {day}"),
            Lang::He => format!("ב{day}"),
            Lang::De => format!("am {day}"),
            Lang::Es => format!("el {day}"),
            Lang::Fr | Lang::It => day.to_owned(),
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
    ])
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
        ],
    )
    .to_owned()
}

/// Answers a question and asks for a meeting.
pub fn answer(lang: Lang, question: Question) -> String {
    let answer = match question {
        Question::Offer => pick(
            lang,
            [
                "We help companies automate their outbound calls with an AI assistant that books meetings straight into their calendar.",
                "אנחנו עוזרים לחברות להפוך את השיחות היוצאות שלהן לאוטומטיות בעזרת עוזר בינה מלאכותית שקובע פגישות ישירות ביומן.",
                "Nous aidons les entreprises à automatiser leurs appels sortants avec un assistant IA qui prend les rendez-vous directement dans leur agenda.",
                "Wir helfen Unternehmen, ihre ausgehenden Anrufe mit einem KI-Assistenten zu automatisieren, der Termine direkt in den Kalender einträgt.",
                "Ayudamos a las empresas a automatizar sus llamadas salientes con un asistente de IA que agenda reuniones directamente en su calendario.",
                "Aiutiamo le aziende ad automatizzare le chiamate in uscita con un assistente IA che fissa gli appuntamenti direttamente in agenda.",
            ],
        ),
        Question::Cost => pick(
            lang,
            [
                "The price depends on your call volume and starts at a small monthly fee; in a short meeting we can give you an exact quote.",
                "המחיר תלוי בכמות השיחות ומתחיל בתשלום חודשי קטן; בפגישה קצרה נוכל לתת לך הצעת מחיר מדויקת.",
                "Le prix dépend de votre volume d'appels et commence par un petit abonnement mensuel ; lors d'un court rendez-vous nous pourrons vous faire un devis précis.",
                "Der Preis hängt von Ihrem Anrufvolumen ab und beginnt bei einer kleinen Monatsgebühr; in einem kurzen Termin können wir Ihnen ein genaues Angebot machen.",
                "El precio depende de su volumen de llamadas y empieza con una pequeña cuota mensual; en una breve reunión podemos darle un presupuesto exacto.",
                "Il prezzo dipende dal volume di chiamate e parte da un piccolo canone mensile; in un breve incontro possiamo farle un preventivo preciso.",
            ],
        ),
        Question::Who => pick(
            lang,
            [
                "This is Alex, an assistant calling on behalf of Callwright. We help companies automate their outbound calls.",
                "כאן אלכס, עוזר שמתקשר בשם Callwright. אנחנו עוזרים לחברות להפוך שיחות יוצאות לאוטומטיות.",
                "Ici Alex, un assistant qui appelle de la part de Callwright. Nous aidons les entreprises à automatiser leurs appels sortants.",
                "Hier ist Alex, ein Assistent im Auftrag von Callwright. Wir helfen Unternehmen, ausgehende Anrufe zu automatisieren.",
                "Soy Alex, un asistente que llama en nombre de Callwright. Ayudamos a las empresas a automatizar sus llamadas salientes.",
                "Sono Alex, un assistente che chiama per conto di Callwright. Aiutiamo le aziende ad automatizzare le chiamate in uscita.",
            ],
        ),
    };
    let ask = pick(
        lang,
        [
            "Would a short meeting this week suit you?",
            "האם פגישה קצרה השבוע תתאים לך?",
            "Un court rendez-vous cette semaine vous conviendrait-il ?",
            "Würde Ihnen ein kurzer Termin diese Woche passen?",
            "¿Le vendría bien una breve reunión esta semana?",
            "Le andrebbe bene un breve incontro questa settimana?",
        ],
    );
    format!("{answer} {ask}")
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
        ],
    )
    .to_owned()
}
