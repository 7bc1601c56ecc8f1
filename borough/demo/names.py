"""Word lists only the demo borough uses (wards, blocks of flats, languages, what residents
write); the names of people and places are the linkage engine's (``borough.linkage.wordlists``)."""

BLOCK_NAMES = ["House", "Court", "Lodge", "Point", "Heights", "Tower", "Mansions"]
# Ward names of the invented Demo Borough.
WARDS = (
    ("E05900001", "Ashgrove"),
    ("E05900002", "Brookside"),
    ("E05900003", "Canal Side"),
    ("E05900004", "Deanfield"),
    ("E05900005", "Elmwood"),
    ("E05900006", "Fernhill"),
    ("E05900007", "Greenacre"),
    ("E05900008", "Hollybush"),
    ("E05900009", "Kingsmead"),
    ("E05900010", "Longmoor"),
    ("E05900011", "Millfield"),
    ("E05900012", "Northcote"),
    ("E05900013", "Oakwood"),
    ("E05900014", "Parkside"),
    ("E05900015", "Riverside"),
    ("E05900016", "Southmead"),
    ("E05900017", "Town Centre"),
    ("E05900018", "Westfield"),
)
LANGUAGES = (
    ("en", 0.84),
    ("pl", 0.04),
    ("pa", 0.025),
    ("ur", 0.02),
    ("so", 0.015),
    ("ta", 0.015),
    ("gu", 0.015),
    ("ro", 0.015),
    ("ar", 0.015),
)
TEXT_SNIPPETS = (
    "This has happened before.",
    "It has been like this for over a week.",
    "Please can someone come as soon as possible.",
    "It is blocking the pavement.",
    "There is a strong smell.",
    "Children walk past here on the way to school.",
    "The crew seemed to miss our side of the road.",
    "Our neighbours have the same problem.",
    "It is getting worse every day.",
    "Access is through the side gate.",
)
VEHICLES = (
    "Silver Ford Focus",
    "Blue Vauxhall Corsa",
    "Black BMW 3 Series",
    "White Ford Transit van",
    "Red Toyota Yaris",
    "Grey Volkswagen Golf",
    "Green Nissan Micra",
    "Silver Honda Civic",
)
