"""The service tasks of the shipped processes, one module per concern; importing this package
registers them all (``apps.ProcessesConfig.ready``)."""

from . import (  # noqa: F401
    assisted,
    awaab,
    bins,
    bulky,
    care,
    common,
    discount,
    duplicates,
    flytipping,
    garden,
    moves,
    permits,
    sla,
)
