"""Fake but plausible people: households, residents with valid ID numbers, phones, special groups, staff.

Names are drawn with Faker's zh_CN frequency tables (surnames weighted as in the population);
ID numbers carry real area codes, real birth dates and a correct ISO 7064 check digit. Everything
comes from one numpy Generator, so a seed gives the same people every time.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from faker.providers.person.zh_CN import Provider as Names
from faker.providers.phone_number.zh_CN import Provider as Phones

from geo.access.idcard import check_digit
from geo.core.models import SpecialGroup

# Where floating residents come from: county codes across the provinces that send most migrants.
ORIGINS = ["620102", "620103", "620402", "620502", "620602", "621102", "622901", "510104", "510107", "511102",
           "410102", "410105", "420102", "500103", "610113", "640104", "130102", "370102", "340102", "430102"]
HOUSEHOLD_SIZES = ([1, 2, 3, 4, 5], [0.35, 0.33, 0.19, 0.09, 0.04])  # mean 2.14 = 44,649 / 20,864
FLOATING_SHARE = 0.25


@dataclass
class Person:
    name: str
    gender: str
    birth_date: date
    id_number: str
    phone: str | None
    residence: str
    special_groups: list[str] = field(default_factory=list)


class PeopleMaker:
    """Draws names, ID numbers and phones from one Generator; ID numbers never repeat."""

    def __init__(self, rng: np.random.Generator, district: str, today: date):
        """Name and phone pools from Faker's zh_CN tables, drawn with `rng`."""
        self.rng = rng
        self.district = district
        self.today = today
        surnames = list(Names.last_names.items())
        self.surnames = [s for s, _ in surnames]
        weights = np.array([w for _, w in surnames])
        self.surname_p = weights / weights.sum()
        self.given = {"M": list(Names.first_names_male), "F": list(Names.first_names_female)}
        self.prefixes = [str(p) for p in Phones.phonenumber_prefixes]
        self.ids: set[str] = set()

    def surname(self) -> str:
        """A surname, weighted by how common it is."""
        return self.surnames[self.rng.choice(len(self.surnames), p=self.surname_p)]

    def given_name(self, gender: str) -> str:
        """A given name of one or two characters for the gender."""
        pool = self.given[gender]
        return "".join(pool[self.rng.integers(len(pool))] for _ in range(1 if self.rng.random() < 0.6 else 2))[:2]

    def phone(self) -> str:
        """A mobile number with a real prefix."""
        return self.prefixes[self.rng.integers(len(self.prefixes))] + f"{self.rng.integers(10**8):08d}"

    def person(self, age: int, gender: str, surname: str, area: str, residence: str) -> Person:
        """A person of that age and gender, born before `today`, with an ID number of the area; a phone from 14 on."""
        born = self.today - timedelta(days=int(age * 365.25 + self.rng.integers(365)))
        return Person(surname + self.given_name(gender), gender, born, self.id_number(area, born, gender),
                      self.phone() if age >= 14 else None, residence)

    def id_number(self, area: str, born: date, gender: str) -> str:
        """A valid, unused ID number: sequence odd for men, even for women."""
        while True:
            seq = int(self.rng.integers(500)) * 2 + (1 if gender == "M" else 0)
            first17 = f"{area}{born:%Y%m%d}{seq:03d}"
            number = first17 + check_digit(first17)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def staff_member(self) -> tuple[str, str]:
        """Name and phone of a staff member."""
        gender = "M" if self.rng.random() < 0.5 else "F"
        return self.surname() + self.given_name(gender), self.phone()

    def household(self) -> list[Person]:
        """The members of one household, head first."""
        size = int(self.rng.choice(HOUSEHOLD_SIZES[0], p=HOUSEHOLD_SIZES[1]))
        floating = self.rng.random() < FLOATING_SHARE
        area = ORIGINS[self.rng.integers(len(ORIGINS))] if floating else self.district
        residence = "floating" if floating else "registered"
        surname = self.surname()
        ages = self._ages(size, floating)
        genders = ["M", "F"] + [("M" if self.rng.random() < 0.51 else "F") for _ in range(size - 2)]
        if size == 1:
            genders = ["M" if self.rng.random() < 0.45 else "F"]
        members = []
        for i, (age, gender) in enumerate(zip(ages, genders)):
            own = surname if i != 1 else self.surname()  # the spouse keeps their own surname
            members.append(self.person(age, gender, own, area, residence))
        self._special_groups(members, size)
        return members

    def _ages(self, size: int, floating: bool) -> list[int]:
        """The ages of a household of `size`: one adult alone, or a couple with children, perhaps an elderly parent."""
        r = self.rng
        if size == 1:
            return [int(r.integers(65, 93)) if r.random() < 0.45 else int(r.integers(20, 65))]
        head = int(r.integers(22, 45)) if floating else int(r.integers(24, 86))
        ages = [head, int(np.clip(head + r.integers(-4, 5), 20, 95))]
        for _ in range(size - 2):
            if head >= 45 and r.random() < 0.3:
                ages.append(int(np.clip(head + r.integers(22, 32), 60, 99)))  # an elderly parent
            else:
                ages.append(int(r.integers(0, max(1, min(30, head - 20)))))
        return ages

    def _special_groups(self, members: list[Person], size: int) -> None:
        """Mark members as special groups at plausible shares (elderly alone, low income, disabled …)."""
        r = self.rng
        if size == 1 and self._age(members[0]) >= 65:
            members[0].special_groups.append(SpecialGroup.elderly_alone)
        household_roll = r.random()
        for person in members:
            age = self._age(person)
            if household_roll < 0.02:
                person.special_groups.append(SpecialGroup.low_income)
            elif household_roll < 0.03:
                person.special_groups.append(SpecialGroup.low_income_edge)
            for group, share, low, high in (
                (SpecialGroup.disabled, 0.025, 0, 120), (SpecialGroup.severe_mental_illness, 0.003, 18, 120),
                (SpecialGroup.community_correction, 0.0005, 18, 60), (SpecialGroup.released_prisoner, 0.0005, 20, 70),
                (SpecialGroup.drug_user, 0.0003, 18, 60), (SpecialGroup.unemployed, 0.03, 18, 60),
            ):
                if low <= age < high and r.random() < share:
                    person.special_groups.append(group)

    def _age(self, person: Person) -> int:
        """The person's age in whole years on `today`."""
        return (self.today - person.birth_date).days // 365
