#!/usr/bin/env python3
"""Independent synthetic council extracts for evaluating person record linkage.

    python generate.py --people 20000 --seed 7 --out DIR

Standard library only (Python 3.11). Written by an independent helper who read only the
person schema and docs/how-to/linkage.md; see README.md. Licence: AGPL-3.0-or-later.

Writes into DIR one CSV and one mapping YAML per system, truth.csv (record_id,person_id with
record_id = "<source>:<source_id>") and summary.json.
"""

# ----------------------------------------------------------------------------------------------
# Name lists, nicknames and spelling variants
# ----------------------------------------------------------------------------------------------


# group: (share of London adults, male firsts, female firsts, surnames,
#         probability a married woman takes her husband's surname)
# A name written "Name*k" gets k times its rank weight.
GROUPS = {
    "british": (0.36,
        "John*1.2 David Michael James Paul Robert Mark Richard Peter Andrew Christopher Stephen "
        "Thomas William Daniel Matthew George Oliver Harry Jack Charlie Anthony Jonathan Edward Joseph "
        "Samuel Benjamin Alexander Nicholas Alan Kevin Gary Ian Simon Graham Luke Adam Ryan Lewis "
        "Jamie Callum Nathan Dean Craig Philip Martin Keith Brian Terence Roy",
        "Sarah*1.2 Elizabeth Margaret Susan Jennifer Emma Rebecca Claire Helen Laura Jessica Emily Sophie "
        "Charlotte Olivia Amelia Lucy Hannah Victoria Katherine Catherine Rachel Joanne Karen Patricia "
        "Barbara Jacqueline Deborah Nicola Louise Amy Grace Megan Jane Alison Samantha Natalie Kirsty "
        "Gemma Stacey Chloe Ellie Jade Lauren Zoe Hayley Pauline Jean Doreen Sandra",
        "Smith*1.6 Jones*1.3 Williams*1.1 Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson "
        "Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Jackson Wood "
        "Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James "
        "Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Cook Carter "
        "Richardson Bailey Collins Bell Shaw Miller Cox Richards Marshall Webb Simpson Ellis Chapman "
        "Mason Hunt Palmer Holmes Knight Lloyd Barnes Stevens Fisher Gibson Pearce Fletcher "
        "Smith-Jones*0.3 Fox-Pitt*0.1 Bowes-Lyon*0.1 Rees-Mogg*0.1 Lloyd-Webber*0.1 Haworth-Booth*0.1",
        0.80),
    # (the British surname list gets a long tail of compound English surnames, see TAIL_SURNAMES)
    "irish": (0.035,
        "Sean Patrick Michael John Declan Ciaran Liam Conor Brendan Padraig Eoin Cormac Niall Kieran",
        "Siobhan Aoife Niamh Mary Bridget Ciara Sinead Roisin Orla Maeve Aisling Grainne Deirdre",
        "Murphy Kelly O'Sullivan Walsh O'Brien Byrne Ryan O'Connor O'Neill Doyle McCarthy Gallagher "
        "Kennedy Lynch Quinn McLaughlin O'Reilly Brennan Fitzgerald McDonagh Flanagan O'Donnell",
        0.75),
    "polish": (0.05,
        "Piotr Krzysztof Tomasz Paweł Michał Marcin Jakub Łukasz Adam Kamil Mateusz Grzegorz Andrzej "
        "Marek Wojciech Dawid Szymon Bartosz Rafał",
        "Anna Katarzyna Agnieszka Magdalena Joanna Monika Aleksandra Natalia Karolina Ewa Justyna "
        "Paulina Marta Małgorzata Barbara Dorota Beata Sylwia",
        # Polish surnames are gendered; "-ski" is turned into "-ska" for women by the generator.
        "Nowak*1.3 Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański "
        "Woźniak Dąbrowski Kozłowski Mazur Krawczyk Kaczmarek Piotrowski Grabowski Pawłowski Michalski",
        0.90),
    "romanian": (0.045,
        "Andrei Alexandru Ionuț Mihai Florin Gheorghe Constantin Marian Adrian Daniel Ștefan Cristian "
        "Vasile Ion Nicolae Gabriel Bogdan Cătălin",
        "Maria*1.5 Elena Ioana Andreea Alexandra Mihaela Gabriela Ana Cristina Georgiana Florentina "
        "Roxana Daniela Simona Alina Larisa",
        "Popa*1.3 Popescu Ionescu Pop Radu Dumitru Stan Stoica Gheorghe Matei Ciobanu Rusu Munteanu "
        "Constantin Moldovan Lungu Marin Tudor Dinu Florea Șerban",
        0.90),
    "somali": (0.03,
        "Mohamed*2.5 Abdi Ahmed Hassan Ali Omar Abdullahi Yusuf Ibrahim Abdirahman Mahad Farah Osman "
        "Abdikadir Liban Hamza Khalid",
        "Fadumo Amina Hodan Sahra Hawa Asha Ifrah Nasra Khadija Halima Ayan Deeqa Sagal Ubah Ikran",
        # Somali surnames are the father's given name, so they repeat given names.
        "Mohamed*1.5 Ali*1.3 Ahmed*1.2 Hassan Abdi Omar Farah Warsame Osman Hussein Yusuf Jama Egal "
        "Nur Aden Ismail Abdullahi Dirie Hersi Elmi",
        0.0),
    "bangladeshi_pakistani": (0.13,
        "Mohammed*2.5 Abdul*1.2 Ahmed Ali Imran Tariq Asif Omar Yusuf Bilal Hamza Ibrahim Zakir Shahid "
        "Rashid Faisal Adnan Usman Ayaan Shahidul Mizanur Abu Jamal Kamal Aminul Saiful Rezaul Nazrul "
        "Arif Sohail Zubair Waqas",
        "Fatima*1.3 Aisha Ayesha Khadija Maryam Zainab Nadia Sana Samina Rukhsana Shamima Nasreen Salma "
        "Halima Hafsa Amina Sumaiya Tahmina Rahima Shirin Jannat Sabrina Farzana Rubina Nazia",
        "Khan*1.1 Ahmed Ali Hussain Rahman Islam Uddin Miah Choudhury Hassan Shah Akhtar "
        "Iqbal Malik Mahmood Haque Alam Hossain Begum*0 Bibi*0 Rashid Sheikh Butt Qureshi Siddique "
        "Chowdhury Karim Sarwar Aziz Javed",
        0.35),
    "indian": (0.075,
        "Rajesh Sanjay Amit Vijay Ravi Sunil Arjun Rohan Harpreet Gurpreet Manjit Jaspal Kiran Anil "
        "Deepak Nikhil Hitesh Jignesh Rakesh Suresh Ramesh Vikram Sandeep Ajay Pradeep",
        "Priya Anita Sunita Pooja Neha Kavita Rekha Asha Meera Jaspreet Harjit Rupinder Nisha Shreya "
        "Hema Bhavna Manisha Divya Parminder Sangeeta Usha",
        "Patel*2 Shah Singh*1.2 Sharma Gupta Kumar Mehta Desai Joshi Parmar Mistry Chauhan Sandhu "
        "Gill Dhillon Bhatt Rao Pillai Kaur*0 Thakrar Solanki Lakhani Vaghela Bains Grewal",
        0.85),
    "nigerian_ghanaian": (0.07,
        "Oluwaseun Chukwuemeka Olumide Babatunde Adebayo Chinedu Ifeanyi Samuel David Daniel "
        "Emmanuel Michael Olusegun Oluwafemi Akinkunle Yusuf Ibrahim Kwame Kofi Kwabena Yaw Joseph "
        "Victor Tobi",
        "Oluwakemi Folake Adaeze Chiamaka Ngozi Funmilayo Blessing Grace Esther Precious Temitope "
        "Bukola Yetunde Chioma Ifeoma Abena Akosua Comfort Joy Mercy Adwoa",
        "Okafor Adeyemi Okonkwo Oladipo Adebayo Ogunleye Eze Nwosu Balogun Okoro Afolabi Olawale "
        "Adewale Ibrahim Obi Chukwu Ojo Bello Akinola Mensah Owusu Boateng Asante Osei Appiah "
        "Oyelaran Adeleke Okeke",
        0.85),
    "caribbean": (0.055,
        "Delroy Winston Everton Leroy Marlon Andre Jermaine Tyrone Michael David Anthony Trevor "
        "Clive Errol Devon Kemar Jordan Tyrell",
        "Marcia Claudette Beverley Sonia Shanice Jacqueline Paulette Donna Sharon Carol Maxine Tanisha "
        "Keisha Simone Natasha Jasmine",
        "Campbell Brown Williams Clarke Francis Grant Henry Johnson Reid Thompson Morgan Gordon "
        "Richards Forbes Bailey McKenzie Robinson Samuels Powell Lewis Stewart Graham",
        0.80),
    "turkish_kurdish": (0.035,
        "Mehmet Mustafa Ahmet Ali Hüseyin İbrahim Hasan Emre Murat Kemal Osman Yusuf Erkan Serkan",
        "Ayşe Fatma Emine Hatice Zeynep Elif Meryem Derya Gül Sevgi Esra Özlem",
        "Yılmaz Kaya Demir Şahin Çelik Yıldız Öztürk Aydın Arslan Doğan Kılıç Aslan Çetin Koç Kurt",
        0.90),
    "other_european": (0.07,
        "Marco Luca Giuseppe Francesco Antonio José Carlos Miguel Pedro João Pierre Nicolas "
        "Dimitrios Giorgos Lukas Tomas Jonas Mindaugas Darius",
        "Giulia Francesca Chiara Ana Maria Sofia Inês Marie Camille Eleni Georgia Rasa Ieva Laura "
        "Agne Kristina",
        "Rossi Russo Ferrari Esposito Bianchi Romano Silva Santos Ferreira Pereira Oliveira Costa "
        "Rodrigues Martin Bernard Dubois Papadopoulos Kazlauskas Petrauskas Jankauskas Garcia "
        "Fernandez Lopez",
        0.80),
}

# Canonical name -> nicknames / short forms people use in one system and not another.
NICKNAMES = {
    "Robert": ["Bob", "Rob", "Bobby", "Robbie"], "William": ["Bill", "Will", "Billy"],
    "Elizabeth": ["Liz", "Beth", "Lizzie", "Betty"], "Margaret": ["Maggie", "Peggy", "Meg"],
    "James": ["Jim", "Jimmy", "Jamie"], "Michael": ["Mike", "Mick"], "Richard": ["Rich", "Rick", "Dick"],
    "Christopher": ["Chris"], "Stephen": ["Steve"], "Thomas": ["Tom", "Tommy"],
    "Daniel": ["Dan", "Danny"], "Matthew": ["Matt"], "Anthony": ["Tony"], "Jonathan": ["Jon"],
    "Edward": ["Ed", "Eddie", "Ted"], "Joseph": ["Joe"], "Samuel": ["Sam"], "Benjamin": ["Ben"],
    "Alexander": ["Alex"], "Nicholas": ["Nick"], "Andrew": ["Andy"], "Peter": ["Pete"],
    "David": ["Dave"], "Philip": ["Phil"], "Terence": ["Terry"], "Kevin": ["Kev"],
    "Katherine": ["Kate", "Kathy", "Katie"], "Catherine": ["Cathy", "Kate"], "Jennifer": ["Jen", "Jenny"],
    "Rebecca": ["Becky", "Becca"], "Victoria": ["Vicky"], "Patricia": ["Pat", "Trish"],
    "Susan": ["Sue"], "Jacqueline": ["Jackie"], "Deborah": ["Debbie", "Debs"], "Nicola": ["Nicky"],
    "Charlotte": ["Charlie", "Lottie"], "Jessica": ["Jess"], "Samantha": ["Sam"],
    "Amelia": ["Millie"], "Alison": ["Ali"], "Barbara": ["Babs"], "Sandra": ["Sandy"],
    "Jennifer ": ["Jen"], "Mohammed": ["Mo", "Md", "Mohd"], "Mohamed": ["Mo"],
    "Ibrahim": ["Ibby"], "Abdullahi": ["Abdi"], "Abdirahman": ["Abdi"],
    "Katarzyna": ["Kasia", "Kate"], "Małgorzata": ["Gosia", "Margaret"], "Barbara ": ["Basia"],
    "Anna": ["Ania", "Ann"], "Joanna": ["Asia", "Jo"], "Aleksandra": ["Ola", "Alex"],
    "Magdalena": ["Magda"], "Agnieszka": ["Aga"], "Tomasz": ["Tomek", "Tom"], "Jakub": ["Kuba", "Jacob"],
    "Piotr": ["Peter"], "Paweł": ["Paul"], "Krzysztof": ["Chris"], "Michał": ["Michael"],
    "Wojciech": ["Wojtek"], "Alexandru": ["Alex"], "Gheorghe": ["George"], "Ștefan": ["Stefan"],
    "Ionuț": ["Ionut"], "Nicolae": ["Nicu"], "Constantin": ["Costel"],
    "Babatunde": ["Tunde"], "Olusegun": ["Segun"], "Oluwafemi": ["Femi"], "Oluwaseun": ["Seun"],
    "Chukwuemeka": ["Emeka"], "Temitope": ["Tope"], "Funmilayo": ["Funmi"], "Oluwakemi": ["Kemi"],
    "Bukola": ["Bukky"], "Akinkunle": ["Kunle"], "Olumide": ["Mide"],
    "Padraig": ["Paddy"], "Patrick": ["Pat", "Paddy"], "Siobhan": ["Shiv"],
    "Giuseppe": ["Joe"], "Francesco": ["Frank"], "Dimitrios": ["Jim", "Dimitris"],
    "Hüseyin": ["Huseyin"], "Mehmet": ["Mike"],
}
NICKNAMES = {k.strip(): v for k, v in NICKNAMES.items()}

# Spellings of one name in the Latin alphabet (transliteration), both directions built below.
_VARIANT_SETS = [
    "Mohammed Muhammad Mohamed Mohammad Muhammed Mohamad",
    "Ahmed Ahmad Ahmet", "Hussain Hussein Husain Hossain", "Hassan Hasan", "Choudhury Chowdhury Choudhary",
    "Rahman Rehman", "Yusuf Yousuf Yousef", "Omar Umar", "Abdullahi Abdullah",
    "Fatima Fatema Fathima Fatuma", "Aisha Ayesha Aysha", "Khadija Khadijah Khadeeja",
    "Zainab Zaynab", "Maryam Mariam", "Amina Aminah", "Halima Halimah", "Osman Othman Usman",
    "Sahra Sahro", "Fadumo Faduma", "Mahmood Mahmud Mehmood", "Siddique Siddiqui",
    "Ibrahim Ebrahim", "Islam Eslam", "Miah Mia", "Hodan Hoodo",
    "Oluwaseun Oluwaseyi", "Adeyemi Adeyemmi", "Mensah Mensa",
    "Sean Shaun Shawn", "Siobhan Shevaun", "Niamh Neve", "Aoife Eefa",
    "Catherine Katherine Kathryn", "Stephen Steven", "Jon John", "Claire Clare", "Sara Sarah",
    "Louise Louisa", "Zoe Zoë", "Jacqueline Jaqueline", "Philip Phillip", "Geoffrey Jeffrey",
    "Mehmet Mehmed", "Hüseyin Huseyin Husseyin",
]
VARIANTS = {}
for _s in _VARIANT_SETS:
    _ws = _s.split()
    for _w in _ws:
        VARIANTS.setdefault(_w, [])
        VARIANTS[_w] += [x for x in _ws if x != _w and x not in VARIANTS[_w]]

STREET_WORDS = (
    "Ashgrove Amhurst Balls Pond Barretts Grove Benthal Brooke Cazenove Chatsworth Clapton Cricketfield "
    "Dalston Downs Elderfield Evering Forest Glyn Graham Hackney Homerton Kenninghall Kingsland Lea "
    "Bridge Linscott Lordship Mare Median Mildmay Millfields Morning Navarino Northwold Osbaldeston "
    "Powerscroft Queensbridge Rectory Richmond Ridley Rendlesham Sandringham Shacklewell Shepherdess "
    "Stamford Stoke Newington Tottenham Upper Clapton Victoria Well Wilberforce Woodberry Wick "
    "Cassland Chatham Digby Eastway Frampton Gore Hassett Kenworthy Lauriston Mehetabel Morpeth "
    "Penshurst Rutland Sidney Tudor Valentine Wetherell Whitmore Wilton Albion Alvington Arcola "
    "Belgrade Beechwood Bouverie Brighton Cecilia Cowper Dynevor Farleigh Foulden Garnham Halcomb "
    "Howard Kynaston Leswin Manor Nevill Osward Palatine Princess Rochester Shakspeare Smalley "
    "Somerford Tyssen Walford Windus Yoakley Ferncliff Oldhill Moresby Portland Tankerville"
).split()
STREET_TYPES = ["Road"] * 10 + ["Street"] * 5 + ["Avenue"] * 2 + ["Grove", "Lane", "Close", "Gardens",
    "Terrace", "Way", "Place", "Crescent", "Walk", "Square", "Rise", "Mews"]
STREET_ABBREV = {"Road": "Rd", "Street": "St", "Avenue": "Ave", "Grove": "Gr", "Lane": "Ln",
                 "Close": "Cl", "Gardens": "Gdns", "Terrace": "Terr", "Place": "Pl",
                 "Crescent": "Cres", "Square": "Sq"}
BLOCK_NAMES = ("Nightingale Pembury Kingsmead Holly Frampton Gascoyne Wenlock Colville Fellows "
               "Woodberry Milton Baden Powell Linden Fairbank Bayford Aragon Tudor Lincoln Nisbet "
               "Trelawney Cassland Banister Granard").split()
BLOCK_TYPES = ["House", "Court", "Point", "Tower", "Lodge", "Mansions"]

# A fictional borough drawn on real north-east London postcode districts.
POSTCODE_DISTRICTS = ["E5", "E8", "E9", "E2", "N1", "N4", "N16", "E10", "N15", "E17"]
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# A long tail of plausible English surnames (Ashford, Whitworth, Bradley...), so that namesakes are
# about as rare as in a real borough and "Smith" is about 2% of British surnames, not 20%.
TAIL_PREFIXES = ("Ash Black Brad Brom Chal Craw Dun Elling Fair Hart Hol Kings Lang Mar Mid Nor Ox "
                 "Pen Rad Red Ship South Stan Thorn Wal West Whit Wood Wy Bright Cal Ever Gold Had "
                 "Hather Lind Mill Mor Rother Sand").split()
TAIL_SUFFIXES = "ford ley ton worth field wood well by ham more croft combe dale stone bury".split()
TAIL_SURNAMES = [p + s for p in TAIL_PREFIXES for s in TAIL_SUFFIXES]
TAIL_WEIGHT = 0.12

# ----------------------------------------------------------------------------------------------
# Population model
# ----------------------------------------------------------------------------------------------
import argparse
import csv
import datetime as dt
import json
import os
import random
import sys
import time
import unicodedata
from collections import Counter

REF_DATE = dt.date(2026, 11, 30)          # "today" for the extracts
DIACRITIC_FREE = str.maketrans({"ł": "l", "Ł": "L", "ı": "i", "İ": "I"})


def strip_accents(s):
    s = s.translate(DIACRITIC_FREE)
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def weighted_list(spec):
    """'A*3 B C*0.5' -> (names, cumulative weights) with a Zipf-like rank curve."""
    names, weights = [], []
    for rank, tok in enumerate(spec.split()):
        if "*" in tok:
            name, mult = tok.split("*")
            mult = float(mult)
        else:
            name, mult = tok, 1.0
        if mult == 0:
            continue
        names.append(name)
        weights.append(mult / (rank + 1) ** 0.5)
    cum, t = [], 0.0
    for w in weights:
        t += w
        cum.append(t)
    return names, cum


class Lists:
    def __init__(self):
        self.groups = list(GROUPS)
        self.group_cum = []
        t = 0.0
        for g in self.groups:
            t += GROUPS[g][0]
            self.group_cum.append(t)
        self.male, self.female, self.surname, self.takes_name = {}, {}, {}, {}
        for g, (_, m, f, s, take) in GROUPS.items():
            self.male[g] = weighted_list(m)
            self.female[g] = weighted_list(f)
            self.surname[g] = weighted_list(s)
            if g == "british":
                names, cum = self.surname[g]
                names, cum = list(names), list(cum)
                for t in TAIL_SURNAMES:
                    names.append(t)
                    cum.append(cum[-1] + TAIL_WEIGHT)
                self.surname[g] = (names, cum)
            self.takes_name[g] = take


def pick(rng, wl):
    names, cum = wl
    return rng.choices(names, cum_weights=cum, k=1)[0]


class Address:
    __slots__ = ("uprn", "flat", "number", "block", "street", "stype", "postcode", "district")

    def __init__(self, uprn, flat, number, block, street, stype, postcode, district):
        self.uprn, self.flat, self.number, self.block = uprn, flat, number, block
        self.street, self.stype, self.postcode, self.district = street, stype, postcode, district

    def lines(self):
        """Canonical (line1, line2): e.g. ('Flat 3, Holly House', '12 Amhurst Road')."""
        road = f"{self.street} {self.stype}"
        if self.block:
            return (f"Flat {self.flat}, {self.block}", f"{self.number} {road}" if self.number else road)
        if self.flat:
            return (f"Flat {self.flat}", f"{self.number} {road}")
        return (f"{self.number} {road}", "")


class Person:
    __slots__ = ("pid", "group", "sex", "first", "middle", "last", "maiden", "dob", "addresses",
                 "move_date", "marriage_date", "phone", "old_phone", "email", "old_email", "ni",
                 "nhs", "death", "hh", "role", "twin", "landline")

    def __init__(self, pid):
        self.pid = pid
        self.middle = ""
        self.maiden = None
        self.addresses = []     # [(Address, from_date)] oldest first; last one is current
        self.move_date = None
        self.marriage_date = None
        self.phone = self.old_phone = self.email = self.old_email = self.ni = ""
        self.nhs = ""
        self.death = None
        self.twin = False
        self.landline = ""

    def age(self, on=REF_DATE):
        return on.year - self.dob.year - ((on.month, on.day) < (self.dob.month, self.dob.day))


def rand_date(rng, start, end):
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days)))


def dob_for_age(rng, age):
    end = REF_DATE - dt.timedelta(days=365 * age)
    return rand_date(rng, end - dt.timedelta(days=364), end)


def adult_age(rng):
    # London adult population: young-heavy
    r = rng.random()
    if r < 0.12:
        return rng.randint(18, 24)
    if r < 0.42:
        return rng.randint(25, 39)
    if r < 0.70:
        return rng.randint(40, 54)
    if r < 0.87:
        return rng.randint(55, 69)
    return rng.randint(70, 96)


NI_BAD_FIRST, NI_BAD_SECOND = set("DFIQUV"), set("DFIOQUV")
NI_BAD_PAIRS = {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def make_ni(rng, used):
    while True:
        a, b = rng.choice(LETTERS), rng.choice(LETTERS)
        if a in NI_BAD_FIRST or b in NI_BAD_SECOND or a + b in NI_BAD_PAIRS:
            continue
        ni = f"{a}{b}{rng.randrange(10**6):06d}{rng.choice('ABCD')}"
        if ni not in used:
            used.add(ni)
            return ni


def make_nhs(rng):
    while True:
        d = [rng.randrange(10) for _ in range(9)]
        d[0] = rng.choice([4, 6, 7])
        c = 11 - sum(x * (10 - i) for i, x in enumerate(d)) % 11
        if c == 11:
            c = 0
        if c != 10:
            return "".join(map(str, d)) + str(c)


def make_mobile(rng, used):
    while True:
        n = "07" + rng.choice("123456789") + "".join(rng.choice("0123456789") for _ in range(8))
        if n not in used:
            used.add(n)
            return n


EMAIL_DOMAINS = (["gmail.com"] * 8 + ["hotmail.co.uk"] * 3 + ["hotmail.com"] * 2 + ["yahoo.co.uk"] * 2
                 + ["outlook.com"] * 2 + ["icloud.com", "btinternet.com", "live.co.uk", "aol.com",
                                          "yahoo.com", "googlemail.com", "sky.com", "proton.me"])


def make_email(rng, first, last, dob, used):
    f = strip_accents(first).lower().replace("'", "").replace(" ", "")
    l = strip_accents(last).lower().replace("'", "").replace(" ", "").replace("-", "")
    for _ in range(20):
        style = rng.randrange(7)
        if style == 0:
            local = f"{f}.{l}"
        elif style == 1:
            local = f"{f}{l}{rng.randint(1, 99)}"
        elif style == 2:
            local = f"{f[0]}{l}{dob.year % 100:02d}"
        elif style == 3:
            local = f"{f}_{l}{dob.year}"
        elif style == 4:
            local = f"{f}{rng.randint(100, 9999)}"
        elif style == 5:
            local = f"{l}.{f}{rng.randint(1, 9)}"
        else:
            local = f"{f}.{l}{rng.randint(1, 999)}"
        e = f"{local}@{rng.choice(EMAIL_DOMAINS)}"
        if e not in used:
            used.add(e)
            return e
    e = f"{f}.{l}.{len(used)}@gmail.com"
    used.add(e)
    return e


class AddressBook:
    """Streets with house numbers and blocks of flats, each with a UPRN and a postcode."""

    def __init__(self, rng, n_needed):
        self.rng = rng
        self.addresses = []
        used_uprn, used_pc = set(), set()
        streets = set()
        while len(self.addresses) < n_needed:
            word = rng.choice(STREET_WORDS)
            stype = rng.choice(STREET_TYPES)
            if (word, stype) in streets:
                word = word + rng.choice(["", " North", " South", " East", " West"])
                if (word, stype) in streets:
                    continue
            streets.add((word, stype))
            district = rng.choice(POSTCODE_DISTRICTS)
            sector = rng.randrange(10)

            def new_pc():
                while True:
                    pc = f"{district} {sector}{rng.choice(UNIT_LETTERS)}{rng.choice(UNIT_LETTERS)}"
                    if pc not in used_pc:
                        used_pc.add(pc)
                        return pc

            def new_uprn():
                while True:
                    u = str(rng.randrange(100_000_000_000, 100_099_999_999))
                    if u not in used_uprn:
                        used_uprn.add(u)
                        return u

            n_houses = rng.randint(10, 90)
            pc = new_pc()
            for num in range(1, n_houses + 1):
                if num % 14 == 0:
                    pc = new_pc()
                if rng.random() < 0.25:  # converted house: flats A/B or 1-3
                    for fl in (["A", "B"] if rng.random() < 0.5 else ["1", "2", "3"]):
                        self.addresses.append(Address(new_uprn(), fl, str(num), "", word, stype, pc, district))
                else:
                    self.addresses.append(Address(new_uprn(), "", str(num), "", word, stype, pc, district))
            if rng.random() < 0.35:  # a block of flats on the street (estate)
                block = f"{rng.choice(BLOCK_NAMES)} {rng.choice(BLOCK_TYPES)}"
                pcb = new_pc()
                for fl in range(1, rng.randint(12, 80)):
                    if fl % 30 == 0:
                        pcb = new_pc()
                    self.addresses.append(Address(new_uprn(), str(fl), "", block, word, stype, pcb, district))
        rng.shuffle(self.addresses)
        self.next = 0

    def take(self):
        a = self.addresses[self.next % len(self.addresses)]
        self.next += 1
        return a


class Population:
    def __init__(self, n_people, seed):
        self.rng = rng = random.Random(seed)
        self.L = Lists()
        self.people = []
        self.households = []       # list of lists of Person (current households)
        self.book = AddressBook(rng, int(n_people * 0.75) + 500)
        self.used_ni, self.used_phone, self.used_email = set(), set(), set()
        while len(self.people) < n_people:
            self._household(n_people - len(self.people))
        self._contacts()

    # -- people ---------------------------------------------------------------------------------
    def _group(self):
        return self.rng.choices(self.L.groups, cum_weights=self.L.group_cum, k=1)[0]

    def _surname(self, group, sex):
        s = pick(self.rng, self.L.surname[group])
        if group == "polish" and sex == "F":
            if s.endswith("ski"):
                s = s[:-1] + "a"
            elif s.endswith("cki"):
                s = s[:-1] + "a"
        return s

    def _new(self, group, sex, age, last=None):
        rng = self.rng
        p = Person(len(self.people) + 1)
        self.people.append(p)
        p.group, p.sex = group, sex
        p.dob = dob_for_age(rng, age)
        wl = self.L.male[group] if sex == "M" else self.L.female[group]
        p.first = pick(rng, wl)
        if rng.random() < 0.35:
            m = pick(rng, wl)
            if m != p.first:
                p.middle = m
                if rng.random() < 0.1:
                    m2 = pick(rng, wl)
                    if m2 not in (p.first, m):
                        p.middle += " " + m2
        p.last = last if last else self._surname(group, sex)
        if group == "indian" and p.last in ("Sandhu", "Gill", "Dhillon", "Bains", "Grewal", "Singh"):
            p.middle = ("Singh" if sex == "M" else "Kaur") if p.last != "Singh" else p.middle
        if group == "bangladeshi_pakistani" and sex == "F" and last is None and rng.random() < 0.3:
            p.last = "Begum" if rng.random() < 0.8 else "Bibi"
        return p

    def _sexed_last(self, last, group, sex):
        if group == "polish" and sex == "F" and last.endswith(("ski", "cki")):
            return last[:-1] + "a"
        if group == "polish" and sex == "M" and last.endswith(("ska", "cka")):
            return last[:-1] + "i"
        return last

    def _children(self, parents, group, last, n):
        rng = self.rng
        mother_age = min(p.age() for p in parents)
        kids = []
        ages = []
        for _ in range(n):
            max_age = min(17, mother_age - 17)
            if max_age < 0:
                break
            ages.append(rng.randint(0, max_age))
        twin_done = False
        for i, a in enumerate(ages):
            sex = rng.choice("MF")
            k = self._new(group, sex, a, last=self._sexed_last(last, group, sex))
            if not twin_done and i > 0 and rng.random() < 0.04:  # twin of the previous child
                k.dob = kids[-1].dob
                k.twin = kids[-1].twin = True
                twin_done = True
            kids.append(k)
        return kids

    def _household(self, room):
        rng = self.rng
        r = rng.random()
        group = self._group()
        members = []
        if r < 0.27:                                     # single adult
            members.append(self._new(group, rng.choice("MF"), adult_age(rng)))
        elif r < 0.47 or r >= 0.90:                      # couple (+ children), maybe grandparent
            age = max(20, adult_age(rng))
            man = self._new(group, "M", age)
            wgroup = group if rng.random() < 0.88 else self._group()
            woman = self._new(wgroup, "F", max(18, age + rng.randint(-8, 3)))
            members += [man, woman]
            married = rng.random() < 0.7
            if married and rng.random() < self.L.takes_name[wgroup] and woman.last != man.last:
                woman.maiden = woman.last
                new_last = self._sexed_last(man.last, wgroup, "F")
                if rng.random() < 0.06:
                    new_last = f"{woman.maiden}-{man.last}"
                woman.last = new_last
                earliest = woman.dob + dt.timedelta(days=365 * 19)
                woman.marriage_date = rand_date(rng, max(earliest, dt.date(1960, 1, 1)), REF_DATE)
            if r < 0.47 and rng.random() < 0.55 or r >= 0.90:
                n = rng.choices([1, 2, 3, 4, 5], [30, 38, 20, 8, 4])[0]
                members += self._children([man, woman], group, man.last, n)
            if r >= 0.97:
                gp = self._new(group, rng.choice("MF"), min(99, man.age() + rng.randint(22, 35)))
                members.append(gp)
        elif r < 0.60:                                   # single parent + children
            sex = "F" if rng.random() < 0.85 else "M"
            parent = self._new(group, sex, max(19, min(60, adult_age(rng))))
            members.append(parent)
            n = rng.choices([1, 2, 3, 4], [45, 35, 15, 5])[0]
            last = parent.last if rng.random() < 0.6 else self._surname(group, "M")
            members += self._children([parent], group, last, n)
        elif r < 0.75:                                   # sharers, mixed groups, young
            for _ in range(rng.randint(2, 4)):
                members.append(self._new(self._group(), rng.choice("MF"), rng.randint(19, 40)))
        else:                                            # older couple / adult child at home
            age = rng.randint(50, 85)
            a = self._new(group, "M", age)
            b = self._new(group, "F", age + rng.randint(-6, 2))
            members += [a, b]
            if rng.random() < self.L.takes_name[group]:
                b.maiden, b.last = b.last, self._sexed_last(a.last, group, "F")
                b.marriage_date = rand_date(rng, b.dob + dt.timedelta(days=365 * 19),
                                            b.dob + dt.timedelta(days=365 * 35))
            if rng.random() < 0.3:
                sex = rng.choice("MF")
                members.append(self._new(group, sex, rng.randint(18, 35),
                                         last=self._sexed_last(a.last, group, sex)))
        # addresses: current, maybe one or two previous ones in the borough
        cur = self.book.take()
        hist = []
        oldest_adult = min((p.dob for p in members), default=REF_DATE)
        youngest_adult = max((p.dob for p in members if p.age() >= 18), default=oldest_adult)
        settle_lo = max(dt.date(1985, 1, 1), youngest_adult + dt.timedelta(days=365 * 18))
        if rng.random() < 0.28:
            move = rand_date(rng, REF_DATE - dt.timedelta(days=365 * 6), REF_DATE - dt.timedelta(days=60))
            prev = self.book.take()
            if rng.random() < 0.15:
                prev0 = self.book.take()
                mid = move - dt.timedelta(days=rng.randint(400, 2000))
                hist.append((prev0, rand_date(rng, min(settle_lo, mid - dt.timedelta(days=30)), mid)))
                hist.append((prev, mid))
            else:
                hist.append((prev, rand_date(rng, min(settle_lo, move - dt.timedelta(days=30)), move)))
            hist.append((cur, move))
        else:
            hist.append((cur, rand_date(rng, min(settle_lo, REF_DATE - dt.timedelta(days=60)),
                                        REF_DATE - dt.timedelta(days=30))))
        hh = len(self.households)
        for i, p in enumerate(members):
            p.hh, p.role = hh, ("head" if i == 0 else "member")
            p.addresses = list(hist)
            if len(hist) > 1:
                p.move_date = hist[-1][1]
        # an adult child who moved out recently: still listed at the old family address somewhere
        for p in members:
            if p.age() >= 18 and p.role == "member" and p.maiden is None and rng.random() < 0.04:
                new = self.book.take()
                p.move_date = rand_date(rng, REF_DATE - dt.timedelta(days=900), REF_DATE - dt.timedelta(days=30))
                p.addresses = [(p.addresses[-1][0], dt.date(1990, 1, 1)), (new, p.move_date)]
        # deaths: older people, recently
        for p in members:
            a = p.age()
            if a >= 70 and rng.random() < 0.10 or a >= 40 and rng.random() < 0.004:
                p.death = rand_date(rng, REF_DATE - dt.timedelta(days=1100), REF_DATE - dt.timedelta(days=10))
        self.households.append(members)

    def _contacts(self):
        rng = self.rng
        for hh in self.households:
            landline = ""
            if rng.random() < 0.3:
                landline = "020" + rng.choice("78") + "".join(rng.choice("0123456789") for _ in range(7))
            for p in hh:
                a = p.age()
                p.landline = landline
                if a >= 13 and rng.random() < (0.92 if a >= 18 else 0.5):
                    p.phone = make_mobile(rng, self.used_phone)
                    if a >= 20 and rng.random() < 0.18:
                        p.old_phone = make_mobile(rng, self.used_phone)
                if a >= 16 and rng.random() < (0.8 if a < 75 else 0.35):
                    first = p.first if rng.random() < 0.85 else NICKNAMES.get(p.first, [p.first])[0]
                    p.email = make_email(rng, first, p.last, p.dob, self.used_email)
                    if a >= 20 and rng.random() < 0.22:
                        old_last = p.maiden or p.last
                        p.old_email = make_email(rng, p.first, old_last, p.dob, self.used_email)
                if a >= 16 and rng.random() < 0.96:
                    p.ni = make_ni(rng, self.used_ni)
                p.nhs = make_nhs(rng)


# ----------------------------------------------------------------------------------------------
# Corruption model
# ----------------------------------------------------------------------------------------------
KEYBOARD = {}
_rows = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
for _r, _row in enumerate(_rows):
    for _i, _c in enumerate(_row):
        nb = []
        for dr in (-1, 0, 1):
            rr = _r + dr
            if 0 <= rr < 3:
                for di in (-1, 0, 1):
                    j = _i + di
                    if (dr or di) and 0 <= j < len(_rows[rr]):
                        nb.append(_rows[rr][j])
        KEYBOARD[_c] = nb


def typo(rng, s):
    if len(s) < 3:
        return s
    i = rng.randrange(1, len(s))          # keep the first letter most of the time
    if rng.random() < 0.1:
        i = 0
    k = rng.randrange(4)
    c = s[i]
    if k == 0:                            # delete
        return s[:i] + s[i + 1:]
    if k == 1:                            # insert (double a letter or a neighbour)
        ins = c if rng.random() < 0.5 else rng.choice(KEYBOARD.get(c.lower(), [c.lower()]))
        return s[:i] + ins + s[i:]
    if k == 2 and i < len(s) - 1:         # swap with next
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    nb = KEYBOARD.get(c.lower())          # keyboard neighbour
    if not nb:
        return s[:i] + s[i + 1:]
    r = rng.choice(nb)
    return s[:i] + (r.upper() if c.isupper() else r) + s[i + 1:]


def surname_variant(rng, s):
    """Double-barrelled / apostrophe / Mc spelling variants of one surname."""
    if "-" in s:
        a, b = s.split("-", 1)
        return rng.choice([a, b, f"{a} {b}", f"{a}{b}"])
    if " " in s:
        a, b = s.split(" ", 1)
        return rng.choice([b, f"{a}-{b}"])
    if s.startswith("O'"):
        return rng.choice(["O" + s[2:], "O " + s[2:], "O’" + s[2:]])
    if s.startswith("Mc"):
        return "Mc " + s[2:]
    if s.startswith("Mac"):
        return "Mc" + s[3:]
    return None


def first_variant(rng, first, p_nick, p_translit):
    r = rng.random()
    if r < p_nick and first in NICKNAMES:
        return rng.choice(NICKNAMES[first]), "nickname"
    if r < p_nick + p_translit and first in VARIANTS:
        return rng.choice(VARIANTS[first]), "translit"
    return first, None


def title_case(s):
    out = []
    for w in s.split(" "):
        parts = []
        for part in w.split("-"):
            if part[:2].upper() == "O'" and len(part) > 2:
                parts.append("O'" + part[2:3].upper() + part[3:].lower())
            elif part[:2].lower() == "mc" and len(part) > 2:
                parts.append("Mc" + part[2:3].upper() + part[3:].lower())
            else:
                parts.append(part[:1].upper() + part[1:].lower())
        out.append("-".join(parts))
    return " ".join(out)


def valid_date(y, m, d):
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def corrupt_dob(rng, d, rates):
    r = rng.random()
    if r < rates.get("dob_swap", 0):
        if d.day <= 12 and d.day != d.month:
            return dt.date(d.year, d.day, d.month), "dob_swap"
        return d, None
    r -= rates.get("dob_swap", 0)
    if r < rates.get("dob_typo", 0):
        k = rng.randrange(3)
        if k == 0:
            nd = valid_date(d.year + rng.choice([-1, 1, -10, 10]), d.month, d.day)
        elif k == 1:
            nd = valid_date(d.year, d.month, (d.day + rng.choice([-1, 1, 10, -10]) - 1) % 28 + 1)
        else:
            nd = valid_date(d.year, rng.choice([m for m in range(1, 13) if m != d.month]), d.day)
        return (nd, "dob_typo") if nd else (d, None)
    r -= rates.get("dob_typo", 0)
    if r < rates.get("dob_jan1", 0):
        return dt.date(d.year, 1, 1), "dob_jan1"
    return d, None


def postcode_variant(rng, pc, rates):
    r = rng.random()
    if r < rates.get("pc_nospace", 0):
        return pc.replace(" ", "")
    r -= rates.get("pc_nospace", 0)
    if r < rates.get("pc_lower", 0):
        return pc.lower()
    r -= rates.get("pc_lower", 0)
    if r < rates.get("pc_typo", 0):
        out, inw = pc.split(" ")
        return f"{out} {inw[0]}{rng.choice(UNIT_LETTERS)}{inw[2]}"
    r -= rates.get("pc_typo", 0)
    if r < rates.get("pc_double_space", 0):
        return pc.replace(" ", "  ")
    return pc


def phone_format(rng, n, style):
    """n is '07xxxxxxxxx' or '020xxxxxxxx'."""
    if style == "random":
        style = rng.choice(["plain", "spaced", "intl", "intl_spaced", "dashed"])
    if style == "plain":
        return n
    if n.startswith("020"):
        if style in ("intl", "intl_spaced"):
            return "+44 20 " + n[3:7] + " " + n[7:]
        return f"{n[:3]} {n[3:7]} {n[7:]}" if style == "spaced" else f"({n[:3]}) {n[3:7]} {n[7:]}"
    if style == "spaced":
        return f"{n[:5]} {n[5:]}"
    if style == "intl":
        return "+44" + n[1:]
    if style == "intl_spaced":
        return f"+44 {n[1:5]} {n[5:]}"
    if style == "dashed":
        return f"{n[:5]}-{n[5:8]}-{n[8:]}"
    if style == "zero_lost":     # Excel ate the leading zero
        return n[1:]
    return n


LAST_VIEW = None


class Stats(Counter):
    pass


STATS = Stats()


class View:
    """One person as one system saw them at one time, after corruption."""
    __slots__ = ("first", "middle", "last", "dob", "sex", "addr", "phone", "email", "ni", "seen",
                 "flags")


def make_view(rng, p, sysname, R, old=False, seen=None):
    """Build the (corrupted) values a system holds for person p.

    old=True: the record was made before the person's last move, so it may hold the previous
    address, the maiden name, the old email and the old phone.
    """
    v = View()
    flags = []
    # -- when was the record last touched
    if seen is None:
        if old and p.move_date:
            seen = rand_date(rng, p.move_date - dt.timedelta(days=1500), p.move_date - dt.timedelta(days=1))
        else:
            lo = max(REF_DATE - dt.timedelta(days=700), p.addresses[-1][1])
            seen = rand_date(rng, lo, REF_DATE)
    if p.death and seen > p.death:
        seen = p.death - dt.timedelta(days=rng.randint(1, 200))
    birth_floor = p.dob + dt.timedelta(days=1)
    if seen < birth_floor:
        seen = birth_floor
    v.seen = seen
    # -- address at that time
    addr = p.addresses[0][0]
    for a, since in p.addresses:
        if since <= seen:
            addr = a
    if addr is not p.addresses[-1][0]:
        flags.append("previous_address")
    v.addr = addr
    # -- names
    last = p.last
    if p.maiden and (p.marriage_date and seen < p.marriage_date or rng.random() < R.get("maiden", 0)):
        last = p.maiden
        flags.append("maiden_name")
    first, how = first_variant(rng, p.first, R.get("nickname", 0), R.get("translit", 0))
    if how:
        flags.append(how)
    tl = last
    if rng.random() < R.get("translit", 0) and last in VARIANTS:
        tl = rng.choice(VARIANTS[last])
        flags.append("translit_last")
    if rng.random() < R.get("surname_variant", 0):
        sv = surname_variant(rng, tl)
        if sv:
            tl = sv
            flags.append("surname_variant")
    last = tl
    if rng.random() < R.get("accents", 0.5):
        first, last = strip_accents(first), strip_accents(last)
    middle = p.middle
    if middle and rng.random() < R.get("middle_missing", 0.3):
        middle = ""
    if rng.random() < R.get("typo_first", 0):
        first = typo(rng, first)
        flags.append("typo_first")
    if rng.random() < R.get("typo_last", 0):
        last = typo(rng, last)
        flags.append("typo_last")
    if rng.random() < R.get("initial", 0):
        first = first[0]
        middle = middle[:1]
        flags.append("initial_only")
    if rng.random() < R.get("swap_names", 0):
        first, last = last, first
        flags.append("names_swapped")
    v.first, v.middle, v.last = first, middle, last
    # -- date of birth
    d = p.dob
    if rng.random() < R.get("dob_missing", 0):
        d = None
        flags.append("dob_missing")
    else:
        d, how = corrupt_dob(rng, d, R)
        if how:
            flags.append(how)
    v.dob = d
    v.sex = p.sex if rng.random() >= R.get("sex_missing", 0) else ""
    # -- contact
    phone = p.phone
    if (old or rng.random() < R.get("stale_contact", 0)) and p.old_phone:
        phone = p.old_phone
        flags.append("old_phone")
    if not phone or rng.random() < R.get("landline", 0):
        phone = p.landline or phone
    if rng.random() < R.get("phone_missing", 0):
        phone = ""
    v.phone = phone
    email = p.email
    if (old or rng.random() < R.get("stale_contact", 0)) and p.old_email:
        email = p.old_email
        flags.append("stale_email")
    if rng.random() < R.get("email_missing", 0):
        email = ""
    if email and rng.random() < 0.05:
        email = email.upper() if rng.random() < 0.5 else email.capitalize()
    v.email = email
    ni = p.ni
    if rng.random() < R.get("ni_missing", 0):
        ni = ""
    elif ni and rng.random() < R.get("ni_typo", 0):
        i = rng.randrange(2, 8)
        ni = ni[:i] + str((int(ni[i]) + 1) % 10) + ni[i + 1:]
        flags.append("ni_typo")
    v.ni = ni
    v.flags = flags
    global LAST_VIEW
    LAST_VIEW = v
    for f in flags:
        STATS[(sysname, f)] += 1
    return v


def cased(s, mode):
    if not s:
        return s
    if mode == "upper":
        return s.upper()
    if mode == "title":
        return title_case(s)
    return s


def addr_lines(rng, a, R, mode):
    """Address lines with this system's habits: abbreviations, flat formats, case."""
    l1, l2 = a.lines()
    if rng.random() < R.get("addr_abbrev", 0):
        for k, ab in STREET_ABBREV.items():
            if l1.endswith(" " + k):
                l1 = l1[: -len(k)] + ab
            if l2.endswith(" " + k):
                l2 = l2[: -len(k)] + ab
    if a.flat and not a.block and rng.random() < R.get("flat_slash", 0):
        l1, l2 = f"{a.flat}/{a.number} {l2.split(' ', 1)[1]}", ""
    elif a.flat in ("A", "B") and not a.block and rng.random() < 0.15:
        l1, l2 = f"{a.number}{a.flat} {a.street} {a.stype}", ""
    if rng.random() < R.get("addr_typo", 0):
        l2 = typo(rng, l2) if l2 else l2
        l1 = typo(rng, l1) if not l2 else l1
    return cased(l1, mode), cased(l2, mode)


# ----------------------------------------------------------------------------------------------
# The seven systems
# ----------------------------------------------------------------------------------------------
class System:
    name = ""
    file = ""
    header = []
    mapping = {}
    date_formats = {}
    name_format = None
    rates = {}
    has_dob = True

    def __init__(self, rng):
        self.rng = rng
        self.rows = []
        self.truth = []          # (source_id, person_id)
        self.ids = set()
        self.meta = []

    def new_id(self, fmt):
        while True:
            i = fmt(self.rng)
            if i not in self.ids:
                self.ids.add(i)
                return i

    def add(self, source_id, pid, row):
        self.rows.append(row)
        self.truth.append((source_id, pid))
        v = LAST_VIEW     # the view this row was written from (for the difficulty summary)
        self.meta.append((v.dob is not None and self.has_dob, v.addr.uprn, strip_accents(v.last).lower(),
                          strip_accents(v.first).lower()))


def fmt_date(d, f):
    return d.strftime(f) if d else ""


class CouncilTax(System):
    """Council tax: account holders (liable parties) per property; no DOB, no NI."""
    name, file = "council_tax", "ctax_liable_parties.csv"
    header = ["ACCOUNT_NO", "PARTY_REF", "TITLE", "FORENAMES", "SURNAME", "PROPERTY_REF",
              "ADDR1", "ADDR2", "ADDR3", "POSTCODE", "LIABLE_FROM", "LIABLE_TO", "TEL_NO", "EMAIL_ADDR",
              "DISCOUNT_CODE"]
    mapping = {"source_id": "PARTY_REF", "first_name": "FORENAMES", "last_name": "SURNAME",
               "address": ["ADDR1", "ADDR2", "ADDR3"], "postcode": "POSTCODE", "uprn": "PROPERTY_REF",
               "phone": "TEL_NO", "email": "EMAIL_ADDR", "last_seen": "LIABLE_FROM"}
    date_formats = {"last_seen": "%d-%b-%Y"}
    has_dob = False
    rates = dict(nickname=0.10, translit=0.05, typo_first=0.02, typo_last=0.02, initial=0.12,
                 surname_variant=0.05, swap_names=0.005, phone_missing=0.45, email_missing=0.55,
                 stale_contact=0.15, pc_nospace=0.03, pc_typo=0.005, addr_abbrev=0.3, flat_slash=0.2,
                 maiden=0.05, accents=0.9, middle_missing=0.5, landline=0.2)

    def build(self, pop):
        rng = self.rng
        R = self.rates
        for hh in pop.households:
            adults = [p for p in hh if p.age() >= 18]
            if not adults:
                continue
            if rng.random() < 0.05:   # empty/unregistered, or landlord pays
                continue
            liable = [adults[0]]
            if len(adults) > 1 and hh[1].age() >= 18 and rng.random() < 0.55:
                liable.append(hh[1])
            if hh[0].role == "head" and len(adults) > 2 and rng.random() < 0.2:
                liable = adults[:3]
            acct = self.new_id(lambda r: f"{r.randrange(10**7, 10**8)}")
            disc = "SPD" if len(adults) == 1 else ""
            for p in liable:
                # account opened when they moved in (or earlier)
                since = max(p.addresses[-1][1], p.dob + dt.timedelta(days=365 * 18))
                opened = rand_date(rng, since, min(REF_DATE, since + dt.timedelta(days=400)))
                self._row(p, acct, opened, R, old=False, disc=disc)
                if rng.random() < 0.03:   # duplicate party created by a second account (e.g. re-billing)
                    acct2 = self.new_id(lambda r: f"{r.randrange(10**7, 10**8)}")
                    self._row(p, acct2, rand_date(rng, opened, REF_DATE), R, old=False, disc=disc)
            # the account at the previous address, closed when they moved
            if hh[0].move_date and rng.random() < 0.6:
                acct_o = self.new_id(lambda r: f"{r.randrange(10**7, 10**8)}")
                for p in liable:
                    if p.move_date:
                        self._row(p, acct_o, None, R, old=True, disc="", closed=p.move_date)

    def _row(self, p, acct, opened, R, old, disc, closed=None):
        rng = self.rng
        if old:
            v = make_view(rng, p, self.name, R, old=True, seen=p.move_date - dt.timedelta(days=rng.randint(200, 2500)))
            opened = v.seen
        else:
            v = make_view(rng, p, self.name, R, seen=opened)
        party = self.new_id(lambda r: f"P{r.randrange(10**6, 10**7)}")
        a1, a2 = addr_lines(rng, v.addr, R, "upper")
        first = v.first + (" " + v.middle if v.middle else "")
        title = {"M": "MR", "F": rng.choice(["MRS", "MS", "MISS"])}[p.sex]
        if rng.random() < 0.05:
            title = ""
        to = ""
        if closed:
            to = closed.strftime("%d-%b-%Y").upper()
        if p.death and rng.random() < 0.6:
            to = p.death.strftime("%d-%b-%Y").upper()
        pc = postcode_variant(rng, v.addr.postcode, R)
        self.add(party, p.pid, [acct, party, title, first.upper(), v.last.upper(), v.addr.uprn
                                if rng.random() > 0.02 else "", a1, a2, "LONDON", pc,
                                opened.strftime("%d-%b-%Y").upper(), to,
                                phone_format(rng, v.phone, "spaced") if v.phone else "", v.email, disc])


class Benefits(System):
    """Housing benefit / council tax reduction: claimant and partner, DOB and NI number."""
    name, file = "hb_ctr", "hbctr_claim_people.csv"
    header = ["claim_ref", "person_ref", "role", "title", "forename", "other_forenames", "surname",
              "date_of_birth", "gender", "ni_no", "address", "post_code", "contact_phone",
              "dependants", "claim_start", "last_assessed"]
    mapping = {"source_id": "person_ref", "first_name": "forename", "middle_names": "other_forenames",
               "last_name": "surname", "dob": "date_of_birth", "sex": "gender", "ni_number": "ni_no",
               "address": "address", "postcode": "post_code", "phone": "contact_phone",
               "last_seen": "last_assessed"}
    date_formats = {"dob": "%d/%m/%Y", "last_seen": "%d/%m/%Y"}
    rates = dict(nickname=0.02, translit=0.04, typo_first=0.015, typo_last=0.015, dob_swap=0.015,
                 dob_typo=0.01, dob_missing=0.005, ni_missing=0.08, ni_typo=0.01, phone_missing=0.25,
                 email_missing=1.0, pc_nospace=0.05, pc_typo=0.004, addr_abbrev=0.5, maiden=0.03,
                 accents=0.6, middle_missing=0.2, swap_names=0.003, surname_variant=0.03)

    def build(self, pop):
        rng = self.rng
        for hh in pop.households:
            adults = [p for p in hh if p.age() >= 18]
            if not adults:
                continue
            kids = sum(1 for p in hh if p.age() < 18)
            poor = 0.18 + 0.1 * (kids > 0) + 0.08 * (adults[0].age() >= 66) + 0.05 * (len(adults) == 1)
            if rng.random() >= poor:
                continue
            claimant = adults[0]
            partner = hh[1] if len(hh) > 1 and hh[1].age() >= 18 and hh[1].role == "member" and \
                hh[1].hh == claimant.hh and rng.random() < 0.85 else None
            if len(adults) == 1 or (partner and partner.age() < 18):
                partner = None
            for era_old in ([False] + ([True] if hh[0].move_date and rng.random() < 0.25 else [])):
                claim = self.new_id(lambda r: f"HB{r.randrange(10**6, 10**7)}")
                for role, p in (("Claimant", claimant), ("Partner", partner)):
                    if p is None or (era_old and not p.move_date):
                        continue
                    self._row(p, claim, role, kids, era_old)
                    if rng.random() < 0.01:
                        self._row(p, self.new_id(lambda r: f"HB{r.randrange(10**6, 10**7)}"), role, kids, era_old)

    def _row(self, p, claim, role, kids, old):
        rng = self.rng
        v = make_view(rng, p, self.name, self.rates, old=old)
        pref = self.new_id(lambda r: f"{r.randrange(10**5, 10**6)}")
        a1, a2 = addr_lines(rng, v.addr, self.rates, "title")
        addr = ", ".join(x for x in (a1, a2, "London") if x)
        title = {"M": "Mr", "F": rng.choice(["Mrs", "Ms", "Miss"])}[p.sex]
        start = rand_date(rng, v.seen - dt.timedelta(days=2000), v.seen)
        self.add(pref, p.pid, [claim, pref, role, title, title_case(v.first), title_case(v.middle),
                               title_case(v.last), fmt_date(v.dob, "%d/%m/%Y"), v.sex, v.ni,
                               addr, postcode_variant(rng, v.addr.postcode, self.rates),
                               phone_format(rng, v.phone, "random") if v.phone else "", kids,
                               start.strftime("%d/%m/%Y"), v.seen.strftime("%d/%m/%Y")])


class Housing(System):
    """Housing register and tenancies: tenant and all household members, DOB dd/mm/yyyy."""
    name, file = "housing", "housing_household_members.csv"
    header = ["TenancyRef", "MemberID", "Relationship", "Title", "FirstName", "MiddleName", "LastName",
              "DateOfBirth", "Gender", "AddressLine1", "AddressLine2", "PostCode", "UPRN", "TelNo",
              "Email", "Status", "StatusDate"]
    mapping = {"source_id": "MemberID", "first_name": "FirstName", "middle_names": "MiddleName",
               "last_name": "LastName", "dob": "DateOfBirth", "sex": "Gender",
               "address": ["AddressLine1", "AddressLine2"], "postcode": "PostCode", "uprn": "UPRN",
               "phone": "TelNo", "email": "Email", "last_seen": "StatusDate"}
    date_formats = {"dob": "%d/%m/%Y", "last_seen": "%d/%m/%Y"}
    rates = dict(nickname=0.05, translit=0.06, typo_first=0.02, typo_last=0.02, dob_swap=0.02,
                 dob_typo=0.01, dob_missing=0.02, dob_jan1=0.005, phone_missing=0.3, email_missing=0.5,
                 stale_contact=0.2, pc_nospace=0.1, pc_lower=0.02, pc_typo=0.005, addr_abbrev=0.2,
                 flat_slash=0.1, maiden=0.05, accents=0.7, middle_missing=0.4, swap_names=0.01,
                 surname_variant=0.04, sex_missing=0.03)

    def build(self, pop):
        rng = self.rng
        for hh in pop.households:
            adults = [p for p in hh if p.age() >= 18]
            if not adults:
                continue
            social = hh[0].addresses[-1][0].block != "" and rng.random() < 0.75 or rng.random() < 0.07
            if social:
                self._household(hh, old=False, status="Tenant")
            elif hh[0].move_date and rng.random() < 0.12:
                self._household(hh, old=True, status="Register - closed")
            elif rng.random() < 0.04:
                self._household(hh, old=False, status="Register - active")

    def _household(self, hh, old, status):
        rng = self.rng
        ten = self.new_id(lambda r: f"T{r.randrange(10**5, 10**6)}/{r.randint(1, 9)}")
        for i, p in enumerate(hh):
            if old and not p.move_date:
                continue
            if i > 0 and rng.random() < 0.05:   # member not recorded
                continue
            rel = "Lead Tenant" if i == 0 else ("Partner" if i == 1 and p.age() >= 18 and hh[1].sex != hh[0].sex
                                               else ("Son" if p.sex == "M" else "Daughter") if p.age() < 25
                                               else "Other")
            for dup in range(2 if rng.random() < 0.02 else 1):
                v = make_view(rng, p, self.name, self.rates, old=old)
                mid = self.new_id(lambda r: f"{r.randrange(10**6, 10**7)}")
                a1, a2 = addr_lines(rng, v.addr, self.rates, "title")
                child = p.age(v.seen) < 16
                self.add(mid, p.pid, [ten, mid, rel, "" if child else {"M": "Mr", "F": "Ms"}[p.sex],
                                      title_case(v.first), title_case(v.middle), title_case(v.last),
                                      fmt_date(v.dob, "%d/%m/%Y"),
                                      {"M": "Male", "F": "Female", "": "Not Known"}[v.sex], a1, a2,
                                      postcode_variant(rng, v.addr.postcode, self.rates),
                                      v.addr.uprn if rng.random() > 0.1 else "",
                                      "" if child or not v.phone else phone_format(rng, v.phone, "random"),
                                      "" if child else v.email, status, v.seen.strftime("%d/%m/%Y")])


class SocialCare(System):
    """Adult social care: 'SURNAME, Forename' in one column, DOB with a time, NHS number."""
    name, file = "adult_social_care", "asc_clients.csv"
    header = ["Client ID", "NHS Number", "Client Name", "Date of Birth", "Gender", "Address",
              "Postcode", "Telephone", "Date of Death", "Last Contact"]
    mapping = {"source_id": "Client ID", "full_name": "Client Name", "dob": "Date of Birth",
               "sex": "Gender", "address": "Address", "postcode": "Postcode", "phone": "Telephone",
               "last_seen": "Last Contact"}
    name_format = "LAST, First"
    # The extract's dates are "dd/mm/yyyy 00:00". The strftime format "%d/%m/%Y %H:%M" is what
    # describes them, but the engine refused it on every row (it reported '22/05/1976' "is not a
    # date in %d/%m/%Y %H:%M", so it drops the time before applying the format); with no format
    # given it tries every known UK format and read all 110 test values correctly. So no format.
    date_formats = {}
    mapping_note = ("date_formats left out on purpose: the dates are 'dd/mm/yyyy 00:00' and the "
                    "engine refused '%d/%m/%Y %H:%M' (see README); every known UK format is tried")
    rates = dict(nickname=0.08, translit=0.08, typo_first=0.025, typo_last=0.025, dob_swap=0.02,
                 dob_typo=0.015, dob_missing=0.01, dob_jan1=0.01, phone_missing=0.2, email_missing=1.0,
                 landline=0.6, pc_nospace=0.05, pc_typo=0.01, addr_abbrev=0.3, maiden=0.08,
                 accents=0.8, middle_missing=0.6, surname_variant=0.05, sex_missing=0.02)

    def build(self, pop):
        rng = self.rng
        for p in pop.people:
            a = p.age()
            pr = 0.0 if a < 18 else 0.02 if a < 65 else 0.11 if a < 80 else 0.35
            if p.death:
                pr *= 1.8
            if rng.random() >= pr:
                continue
            n = 1 + (rng.random() < 0.05) + (rng.random() < 0.01)   # duplicate client records
            for k in range(n):
                self._row(p, old=(k > 0 and p.move_date is not None and rng.random() < 0.5))

    def _row(self, p, old):
        rng = self.rng
        v = make_view(rng, p, self.name, self.rates, old=old)
        cid = self.new_id(lambda r: f"{r.randrange(10**5, 10**7)}")
        first = v.first + (" " + v.middle if v.middle and rng.random() < 0.5 else "")
        name = f"{v.last.upper()}, {title_case(first)}"
        a1, a2 = addr_lines(rng, v.addr, self.rates, "title")
        nhs = p.nhs if rng.random() > 0.15 else ""
        if nhs and rng.random() < 0.5:
            nhs = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
        dod = p.death.strftime("%d/%m/%Y") if p.death and rng.random() < 0.7 else ""
        self.add(cid, p.pid, [cid, nhs, name, fmt_date(v.dob, "%d/%m/%Y %H:%M") if v.dob else "",
                              {"M": "M", "F": "F", "": "U"}[v.sex], ", ".join(x for x in (a1, a2) if x),
                              postcode_variant(rng, v.addr.postcode, self.rates),
                              phone_format(rng, v.phone, "spaced") if v.phone else "", dod,
                              v.seen.strftime("%d/%m/%Y 00:00")])


class Electoral(System):
    """Electoral register: elector number, full name 'First Middle Last', no DOB."""
    name, file = "electoral_register", "register_electors.csv"
    header = ["Elector No", "Polling District", "Elector Name", "Property UPRN", "Address 1", "Address 2",
              "Address 3", "Postcode", "Franchise", "Registered Date", "Opted Out"]
    mapping = {"source_id": "Elector No", "full_name": "Elector Name", "uprn": "Property UPRN",
               "address": ["Address 1", "Address 2", "Address 3"], "postcode": "Postcode",
               "last_seen": "Registered Date"}
    name_format = "First Last"
    date_formats = {"last_seen": "%Y%m%d"}
    has_dob = False
    rates = dict(nickname=0.01, translit=0.03, typo_first=0.01, typo_last=0.01, maiden=0.02,
                 pc_nospace=0.0, addr_abbrev=0.0, accents=0.5, middle_missing=0.15, surname_variant=0.02,
                 phone_missing=1.0, email_missing=1.0)

    def build(self, pop):
        rng = self.rng
        self.district = {}
        for p in pop.people:
            if p.age() < 18:
                continue
            reg = {"british": 0.82, "irish": 0.85, "caribbean": 0.75, "bangladeshi_pakistani": 0.80,
                   "indian": 0.78, "nigerian_ghanaian": 0.7, "somali": 0.65}.get(p.group, 0.5)
            if p.age() < 25:
                reg -= 0.15
            if p.death and rng.random() < 0.5:
                reg = 0.9     # not yet removed
            if rng.random() < reg:
                self._row(p, old=False)
            if p.move_date and rng.random() < 0.25:     # not removed from the old address
                self._row(p, old=True)

    def _row(self, p, old):
        rng = self.rng
        v = make_view(rng, p, self.name, self.rates, old=old)
        pd = self.district.setdefault(v.addr.postcode[:v.addr.postcode.index(" ") + 2],
                                      f"{rng.choice('ABCDEFGHKLMNPRSTW')}{rng.choice('ABCDEFGHKLMNPRSTW')}{rng.randint(1, 6)}")
        eno = self.new_id(lambda r: f"{pd}-{r.randint(1, 4999)}")
        a1, a2 = addr_lines(rng, v.addr, self.rates, "upper")
        name = " ".join(x for x in (v.first, v.middle, v.last) if x)
        fr = "" if p.group in ("british", "irish", "caribbean", "bangladeshi_pakistani", "indian",
                               "nigerian_ghanaian") else rng.choice(["G", "K", ""])
        self.add(eno, p.pid, [eno, pd, name, v.addr.uprn, a1, a2, "LONDON",
                              postcode_variant(rng, v.addr.postcode, self.rates), fr,
                              v.seen.strftime("%Y%m%d"), "Y" if rng.random() < 0.4 else "N"])


class Parking(System):
    """Parking permits: one row per permit holder account; name, vehicle, email, phone; no DOB."""
    name, file = "parking_permits", "parking_permit_holders.csv"
    header = ["customer_id", "permit_number", "permit_type", "customer_name", "vrm", "make",
              "email", "mobile", "address_line_1", "postcode", "zone", "valid_to"]
    mapping = {"source_id": "customer_id", "full_name": "customer_name", "email": "email",
               "phone": "mobile", "address": "address_line_1", "postcode": "postcode",
               "last_seen": "valid_to"}
    name_format = "First Last"
    date_formats = {"last_seen": "%d/%m/%y"}
    has_dob = False
    rates = dict(nickname=0.18, translit=0.05, typo_first=0.03, typo_last=0.03, initial=0.03,
                 swap_names=0.01, phone_missing=0.1, email_missing=0.03, stale_contact=0.25,
                 pc_nospace=0.3, pc_lower=0.2, pc_typo=0.01, pc_double_space=0.02, addr_abbrev=0.5,
                 addr_typo=0.03, maiden=0.1, accents=0.95, middle_missing=0.95, surname_variant=0.08)

    def build(self, pop):
        rng = self.rng
        for p in pop.people:
            a = p.age()
            if a < 18 or a > 88:
                continue
            if rng.random() >= 0.17:
                continue
            n = 1 + (rng.random() < 0.06) + (rng.random() < 0.01)  # second vehicle / account
            for k in range(n):
                self._row(p, old=(p.move_date is not None and rng.random() < (0.15 if k == 0 else 0.4)))

    def _row(self, p, old):
        rng = self.rng
        v = make_view(rng, p, self.name, self.rates, old=old)
        cid = self.new_id(lambda r: f"C{r.randrange(10**6, 10**7)}")
        mode = rng.choice(["as_typed", "as_typed", "title", "upper"])
        if mode == "as_typed" and rng.random() < 0.2:
            name = f"{v.first} {v.last}".lower()
        else:
            name = cased(f"{v.first} {v.last}", mode if mode != "as_typed" else "title")
        a1, a2 = addr_lines(rng, v.addr, self.rates, "title")
        vrm = (f"{rng.choice(LETTERS)}{rng.choice(LETTERS)}{rng.randint(10, 75)} "
               f"{rng.choice(LETTERS)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}")
        valid_to = v.seen + dt.timedelta(days=365)
        self.add(cid, p.pid, [cid, f"PP{rng.randrange(10**5, 10**6)}", rng.choice(["Resident", "Resident",
                              "Resident", "Visitor", "Business"]), name, vrm,
                              rng.choice(["Ford", "Vauxhall", "Toyota", "VW", "Nissan", "BMW", "Kia", "Honda"]),
                              v.email, phone_format(rng, v.phone, rng.choice(["plain", "plain", "spaced", "intl",
                                                                           "intl_spaced", "zero_lost"]))
                              if v.phone else "",
                              ", ".join(x for x in (a1, a2) if x),
                              postcode_variant(rng, v.addr.postcode, self.rates),
                              "Z" + v.addr.district, valid_to.strftime("%d/%m/%y")])


class Education(System):
    """Children's services / education: pupils (DOB yyyy-mm-dd) and their parents/carers."""
    name, file = "education", "edu_pupils_and_contacts.csv"
    header = ["person_id", "record_type", "upn", "legal_forename", "preferred_forename",
              "middle_names", "legal_surname", "dob", "sex", "linked_pupil", "relationship",
              "address", "postcode", "uprn", "telephone", "email", "updated"]
    mapping = {"source_id": "person_id", "first_name": "legal_forename", "middle_names": "middle_names",
               "last_name": "legal_surname", "dob": "dob", "sex": "sex", "address": "address",
               "postcode": "postcode", "uprn": "uprn", "phone": "telephone", "email": "email",
               "last_seen": "updated"}
    date_formats = {"dob": "%Y-%m-%d", "last_seen": "%Y-%m-%d"}
    rates = dict(nickname=0.06, translit=0.05, typo_first=0.015, typo_last=0.015, dob_swap=0.01,
                 dob_typo=0.008, dob_missing=0.0, phone_missing=0.05, email_missing=0.2,
                 stale_contact=0.2, pc_nospace=0.02, pc_typo=0.003, addr_abbrev=0.2, maiden=0.1,
                 accents=0.3, middle_missing=0.2, surname_variant=0.05, swap_names=0.004)

    def build(self, pop):
        rng = self.rng
        for hh in pop.households:
            kids = [p for p in hh if p.age() < 18 and p.age() >= 2]
            # former pupils: young adults still at the family address
            kids += [p for p in hh if 18 <= p.age() <= 21 and p.role == "member" and rng.random() < 0.5]
            kids = [k for k in kids if rng.random() < 0.88]
            if not kids:
                continue
            parents = [p for p in hh if p.age() >= 18 and p not in kids][:2]
            for k in kids:
                old = k.move_date is not None and rng.random() < 0.2
                pid_row = self._pupil(k, old)
                if rng.random() < 0.012:
                    self._pupil(k, True if k.move_date else False)
            for par in parents:
                if rng.random() < 0.9:
                    self._contact(par, hh, old=False)
                if par.move_date and rng.random() < 0.15:
                    self._contact(par, hh, old=True)

    def _pupil(self, p, old):
        rng = self.rng
        v = make_view(rng, p, self.name, self.rates, old=old)
        sid = self.new_id(lambda r: f"EDU{r.randrange(10**6, 10**7)}")
        upn = f"{rng.choice(LETTERS)}{rng.randrange(10**11, 10**12)}{rng.choice(LETTERS)}"
        pref = ""
        if p.first in NICKNAMES and rng.random() < 0.4:
            pref = rng.choice(NICKNAMES[p.first])
        a1, a2 = addr_lines(rng, v.addr, self.rates, "title")
        self.add(sid, p.pid, [sid, "PUPIL", upn, v.first, pref, v.middle, v.last, fmt_date(v.dob, "%Y-%m-%d"),
                              v.sex, "", "", ", ".join(x for x in (a1, a2) if x),
                              postcode_variant(rng, v.addr.postcode, self.rates), v.addr.uprn,
                              "", "", v.seen.isoformat()])
        self._last_pupil = sid

    def _contact(self, p, hh, old):
        rng = self.rng
        v = make_view(rng, p, self.name, dict(self.rates, dob_missing=0.93, nickname=0.12), old=old)
        sid = self.new_id(lambda r: f"EDU{r.randrange(10**6, 10**7)}")
        rel = ("Father" if p.sex == "M" else "Mother") if rng.random() < 0.92 else "Carer"
        a1, a2 = addr_lines(rng, v.addr, self.rates, "title")
        self.add(sid, p.pid, [sid, "CONTACT", "", v.first, "", "", v.last, fmt_date(v.dob, "%Y-%m-%d"),
                              v.sex, getattr(self, "_last_pupil", ""), rel, ", ".join(x for x in (a1, a2) if x),
                              postcode_variant(rng, v.addr.postcode, self.rates), "",
                              phone_format(rng, v.phone, rng.choice(["plain", "spaced", "intl"])) if v.phone else "",
                              v.email, v.seen.isoformat()])


SYSTEMS = [CouncilTax, Benefits, Housing, SocialCare, Electoral, Parking, Education]


# ----------------------------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------------------------
def yaml_scalar(x):
    return json.dumps(x, ensure_ascii=False)


def write_mapping(path, s):
    lines = [f"# {s.__doc__.strip()}",
             "# Written by the independent held-out generator (linkgen/generate.py).",
             f"source: {s.name}", f"path: {s.file}", "encoding: utf-8"]
    if s.name_format:
        lines.append(f"name_format: {yaml_scalar(s.name_format)}")
    if getattr(s, "mapping_note", ""):
        lines.append(f"# {s.mapping_note}")
    if s.date_formats:
        lines.append("date_formats:")
        for k, f in s.date_formats.items():
            lines.append(f"  {k}: {yaml_scalar(f)}")
    lines.append("columns:")
    for k, c in s.mapping.items():
        if isinstance(c, list):
            lines.append(f"  {k}: [{', '.join(yaml_scalar(x) for x in c)}]")
        else:
            lines.append(f"  {k}: {yaml_scalar(c)}")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description="Independent synthetic council extracts for record linkage.")
    ap.add_argument("--people", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    t0 = time.time()
    os.makedirs(args.out, exist_ok=True)
    STATS.clear()
    pop = Population(args.people, args.seed)
    per_person = Counter()
    per_system = {}
    truth_rows = []
    metas = {}
    for i, cls in enumerate(SYSTEMS):
        s = cls(random.Random(args.seed * 1000 + i + 1))
        s.build(pop)
        with open(os.path.join(args.out, s.file), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(s.header)
            w.writerows(s.rows)
        write_mapping(os.path.join(args.out, f"{s.name}.yaml"), s)
        dup = Counter(pid for _, pid in s.truth)
        per_system[s.name] = {"records": len(s.rows), "people": len(dup),
                              "people_with_duplicates": sum(1 for c in dup.values() if c > 1),
                              "max_records_per_person": max(dup.values()) if dup else 0,
                              "has_dob": s.has_dob}
        for (sid, pid), m in zip(s.truth, s.meta):
            truth_rows.append((f"{s.name}:{sid}", pid, s.name, sid))
            per_person[pid] += 1
            metas.setdefault(pid, []).append(m)
    with open(os.path.join(args.out, "truth.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["record_id", "person_id"])
        w.writerows(r[:2] for r in truth_rows)
    # the same truth in the layout the engine's own `evaluate --truth` asks for
    with open(os.path.join(args.out, "truth_by_source.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["source", "source_id", "person_id"])
        w.writerows((r[2], r[3], r[1]) for r in truth_rows)
    ids = [r[0] for r in truth_rows]
    hard = Counter()
    for ms in metas.values():
        for i in range(len(ms)):
            for j in range(i + 1, len(ms)):
                a, b = ms[i], ms[j]
                nodob = not (a[0] and b[0])
                diff_addr = a[1] != b[1]
                diff_last = a[2] != b[2]
                diff_first = a[3] != b[3]
                hard["no_dob_on_one_or_both"] += nodob
                hard["different_address"] += diff_addr
                hard["different_surname_string"] += diff_last
                hard["different_first_name_string"] += diff_first
                hard["no_dob_and_different_address"] += nodob and diff_addr
                hard["no_dob_and_different_name"] += nodob and (diff_last or diff_first)
                hard["identical_names_and_address_no_dob"] += nodob and not (diff_addr or diff_last or diff_first)
    assert len(ids) == len(set(ids)), "record ids are not unique"
    true_pairs = sum(c * (c - 1) // 2 for c in per_person.values())
    corr = {}
    for (sysname, flag), n in sorted(STATS.items()):
        corr.setdefault(sysname, {})[flag] = n
    summary = {
        "generator": "heldout linkgen 1.0", "seed": args.seed, "people": len(pop.people),
        "households": len(pop.households), "people_with_records": len(per_person),
        "records": len(truth_rows), "records_per_system": {k: v["records"] for k, v in per_system.items()},
        "systems": per_system, "true_matching_pairs": true_pairs,
        "true_pairs_by_difficulty": dict(hard),
        "records_per_person_histogram": dict(sorted(Counter(per_person.values()).items())),
        "population": {
            "twins": sum(p.twin for p in pop.people), "deceased": sum(1 for p in pop.people if p.death),
            "children_under_18": sum(1 for p in pop.people if p.age() < 18),
            "married_name_changes": sum(1 for p in pop.people if p.maiden),
            "moved": sum(1 for p in pop.people if p.move_date),
            "groups": dict(Counter(p.group for p in pop.people).most_common()),
            "most_common_full_names": [f"{a} {b}: {n}" for (a, b), n in
                                       Counter((p.first, p.last) for p in pop.people).most_common(10)],
        },
        "corruptions_applied": corr,
        "seconds": round(time.time() - t0, 1),
    }
    with open(os.path.join(args.out, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2, ensure_ascii=False)
    print(json.dumps({k: summary[k] for k in ("people", "records", "records_per_system",
                                                "true_matching_pairs", "seconds")}, indent=1))


if __name__ == "__main__":
    main()
