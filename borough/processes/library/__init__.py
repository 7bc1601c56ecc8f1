"""The service tasks of the shipped processes, one module per concern; importing this package
registers them all (``apps.ProcessesConfig.ready``)."""

from . import assisted, awaab, bins, bulky, care, common, duplicates, garden, sla  # noqa: F401
