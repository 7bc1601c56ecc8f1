from borough.places.importer import import_llpg
from borough.places.management.csv_import import CsvImportCommand


class Command(CsvImportCommand):
    help = (
        "Import a flat LLPG extract (CSV). By default nothing is loaded if any row is bad; "
        "--skip-invalid loads the good rows. Bad rows are listed with their line numbers."
    )
    importer = staticmethod(import_llpg)
