"""Display masking of personal data (DOMAIN.md "Privacy")."""


def mask_id_number(number: str | None) -> str | None:
    """110***********123X: the first 3 and last 4 characters of an ID number."""
    if not number:
        return number
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_phone(phone: str | None) -> str | None:
    """138****1234: the first 3 and last 4 digits of a phone number."""
    if not phone:
        return phone
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
