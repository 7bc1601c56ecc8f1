from borough.places.importer import import_collection_rounds
from borough.places.management.csv_import import CsvImportCommand


class Command(CsvImportCommand):
    help = (
        "Import bin collection rounds (CSV: USRN, STREAM, WEEKDAY, EVERY_WEEKS, FIRST_DATE). "
        "By default nothing is loaded if any row is bad; --skip-invalid loads the good rows."
    )
    importer = staticmethod(import_collection_rounds)
