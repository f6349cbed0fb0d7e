"""China's 18-digit resident ID numbers (GB 11643): 6 area + 8 birth date + 3 sequence + ISO 7064 MOD 11-2 check.

The check digit and birth date come from python-stdnum (stdnum.cn.ric). Its full validation also
requires the area code to have existed in the birth year, which rejects real numbers (people keep
the number issued after their county was renamed), so the area is checked at province level only.
"""

from datetime import date

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from geo.core.i18n import Msg, msg

# GB/T 2260 province-level codes.
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split())


def check_digit(first17: str) -> str:
    """The check digit of the first 17 digits."""
    return ric.calc_check_digit(first17 + "0")


def problem(number: str) -> Msg | None:
    """Why `number` is not a valid ID number, or None when it is."""
    number = (number or "").strip().upper()
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return msg("not 18 characters of digits (the last may be X)")
    if number[17] != check_digit(number[:17]):
        return msg("check digit should be {digit}", digit=check_digit(number[:17]))
    if number[:2] not in PROVINCES:
        return msg("unknown province code {code}", code=number[:2])
    try:
        born = ric.get_birth_date(number)
    except ValidationError:
        return msg("birth date {digits} does not exist", digits=number[6:14])
    if born > date.today():
        return msg("birth date {digits} lies in the future", digits=number[6:14])
    return None


def gender(number: str) -> str:
    """'M' or 'F' from the sequence digit (odd for men)."""
    return "M" if int(number[16]) % 2 else "F"


def birth_date(number: str) -> date:
    """The birth date encoded in a valid number."""
    return ric.get_birth_date(number)
