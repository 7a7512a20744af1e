-- Ten more call languages: Arabic, Italian, Portuguese, Dutch, Russian, Polish, Turkish,
-- Japanese, Hindi and Mandarin Chinese join English, Hebrew, French, German and Spanish.
-- The codes are `Language::code()` in domain/src/language.rs.
ALTER TABLE leads DROP CONSTRAINT leads_language_check;
ALTER TABLE leads ADD CONSTRAINT leads_language_check CHECK (language IN (
    'en', 'he', 'fr', 'de', 'es', 'ar', 'it', 'pt', 'nl', 'ru', 'pl', 'tr', 'ja', 'hi', 'zh'));
