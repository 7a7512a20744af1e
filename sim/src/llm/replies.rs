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

/// Joins slot labels as spoken: "A, B or C".
fn spoken_list(lang: Lang, labels: &[String]) -> String {
    let or = pick(lang, ["or", "או", "ou", "oder", "o", "o"]);
    match labels {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} {or} {last}", init.join(", ")),
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
        };
    }
    let sorry = match lang {
        Lang::En => format!("Sorry, {taken} has just been taken."),
        Lang::He => format!("מצטער, {taken} נתפס הרגע."),
        Lang::Fr => format!("Désolé, {taken} vient d'être réservé par quelqu'un d'autre."),
        Lang::De => format!("Entschuldigung, {taken} ist gerade vergeben worden."),
        Lang::Es => format!("Lo siento, {taken} acaba de quedar ocupado."),
        Lang::It => format!("Mi dispiace, {taken} è appena stato prenotato."),
    };
    format!("{sorry} {}", offer(lang, labels))
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
        ],
    )
    .to_owned()
}
