#!/usr/bin/env python3
"""Regenerates domain/data/phone_cases.tsv: real-format numbers with the country, language and
time zones public numbering data gives them, for the table test in domain/src/lead.rs.

Development tool, not part of the product. It reads libphonenumber's own example numbers and
its own time zone lookup from the `phonenumbers` package on PyPI (a port of Google's
libphonenumber, Apache-2.0), an implementation independent of ours:

    pip download --no-deps phonenumbers -d /tmp/pn && unzip -o -q /tmp/pn/phonenumbers-*.whl -d /tmp/pn/x
    python3 scripts/gen-phone-cases.py /tmp/pn/x > domain/data/phone_cases.tsv

The language column is the language most callees of the country speak among ours (written here
by country, not by calling code), English where we speak none of theirs; for a landline in
Canada or Switzerland, the language of the place libphonenumber's geocoder names (Quebec French;
Geneva, Lausanne, Fribourg, Sion, Neuchâtel, Yverdon French; Ticino Italian).
"""
import sys

sys.path.insert(0, sys.argv[1])
import phonenumbers  # noqa: E402
from phonenumbers import PhoneNumberFormat, PhoneNumberType, geocoder, timezone  # noqa: E402

# Countries called, with the language we greet them in.
COUNTRIES = {
    "US": "en", "CA": "en", "GB": "en", "IE": "en", "AU": "en", "NZ": "en", "ZA": "en",
    "SG": "en", "NG": "en", "KE": "en", "SE": "en", "NO": "en", "DK": "en", "FI": "en",
    "IL": "he",
    "FR": "fr", "BE": "fr", "LU": "fr", "MC": "fr",
    "DE": "de", "CH": "de", "AT": "de", "LI": "de",
    "ES": "es", "MX": "es", "AR": "es", "CO": "es", "CL": "es", "PE": "es", "VE": "es",
    "EG": "ar", "MA": "ar", "DZ": "ar", "TN": "ar", "AE": "ar", "SA": "ar", "JO": "ar",
    "LB": "ar", "QA": "ar", "KW": "ar",
    "IT": "it", "SM": "it",
    "BR": "pt", "PT": "pt", "AO": "pt", "MZ": "pt",
    "NL": "nl", "SR": "nl",
    "RU": "ru", "KZ": "ru", "BY": "ru",
    "PL": "pl", "TR": "tr", "JP": "ja", "IN": "hi",
    "CN": "zh", "TW": "zh", "HK": "zh",
}
TYPES = [
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.VOIP,
    PhoneNumberType.UAN,
]
# +1 numbers resolve by area code: one number in each of these (New York, Los Angeles,
# Chicago, Denver, Phoenix, Anchorage, Honolulu, Toronto, Vancouver, Edmonton, Montreal,
# Halifax, St. John's, Regina, Winnipeg, Miami, Seattle, Boston, Dallas, Detroit).
AREA_CODES = {
    "US": ["212", "415", "312", "303", "602", "907", "808", "305", "206", "617", "214", "313"],
    "CA": ["416", "604", "403", "514", "418", "819", "902", "709", "306", "204"],
}
# Swiss landlines across the language areas: Geneva, Sion, Bellinzona, Zurich, Bern, Basel.
EXTRA = {"CH": ["+41223456789", "+41272345678", "+41913456789", "+41443456789", "+41313456789",
                "+41613456789"]}
# Places (as libphonenumber's geocoder names them) whose landlines speak another language than
# their country's default.
PLACES = {
    "CA": {"Quebec": "fr"},
    "CH": {"Lausanne": "fr", "Geneva": "fr", "Fribourg": "fr", "Sion": "fr",
           "Bienne/Neuchâtel/Soleure/Jura": "fr", "Yverdon/Aigle": "fr", "Bellinzona": "it"},
}


def language_of(n, region, default):
    if not phonenumbers.is_number_geographical(n):
        return default
    place = geocoder.description_for_number(n, "en")
    return PLACES.get(region, {}).get(place, default)


def rows():
    for region, language in COUNTRIES.items():
        numbers = []
        for kind in TYPES:
            n = phonenumbers.example_number_for_type(region, kind)
            if n is not None and phonenumbers.is_valid_number(n) and n not in numbers:
                numbers.append(n)
        for area in AREA_CODES.get(region, []):
            n = phonenumbers.parse(f"+1{area}5550123", None)
            if not phonenumbers.is_valid_number(n):
                n = phonenumbers.parse(f"+1{area}2345678", None)
            if phonenumbers.is_valid_number(n):
                numbers.append(n)
        for raw in EXTRA.get(region, []):
            numbers.append(phonenumbers.parse(raw, None))
        for i, n in enumerate(numbers):
            # As people write them: international with spaces, bare E.164, national (with the
            # region given separately), in turn.
            style = i % 3
            if style == 0:
                raw, hint = phonenumbers.format_number(n, PhoneNumberFormat.INTERNATIONAL), ""
            elif style == 1:
                raw, hint = phonenumbers.format_number(n, PhoneNumberFormat.E164), ""
            else:
                raw, hint = phonenumbers.format_number(n, PhoneNumberFormat.NATIONAL), region
            e164 = phonenumbers.format_number(n, PhoneNumberFormat.E164)
            zones = sorted(z for z in timezone.time_zones_for_number(n) if z != "Etc/Unknown")
            country = phonenumbers.region_code_for_number(n)
            yield raw, hint, e164, country, language_of(n, country, language), ",".join(zones)


print("# Real-format numbers -> E.164, country, language, time zones (libphonenumber's example")
print("# numbers and time zone lookup). Generated by scripts/gen-phone-cases.py from phonenumbers")
print(f"# {phonenumbers.__version__}, Copyright (C) 2011-2026 The Libphonenumber Authors, Apache-2.0:")
print("# see domain/data/LICENSE-libphonenumber. Columns: as written, region hint, E.164, country,")
print("# language, zones.")
for row in rows():
    print("\t".join(row))
