"""The service tasks of the shipped processes, one module per concern; importing this package
registers them all (``apps.ProcessesConfig.ready``)."""

from . import assisted, awaab, bins, care, common, duplicates, sla  # noqa: F401
from . import flytipping, permits  # noqa: F401
