"""Borough's record-linkage engine: ingest extracts from the council's systems into one person
schema, standardise them, link them with Splink on DuckDB and measure the result.

Pure Python: nothing here imports Django, so the engine runs from the command line
(``python -m borough.linkage``), in a notebook or in a worker without the web application.
"""
