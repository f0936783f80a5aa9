"""shoplab: e-commerce user-operations analytics on an embedded engine.

>>> import shoplab
>>> shop = shoplab.connect("data/sample")  # doctest: +SKIP
>>> shop.orders.count().execute()  # doctest: +SKIP
"""

from ._lazy import submodule_getattr
from .data import Shop, connect
from .errors import DataContractError, MissingTableError, ReportError, ShoplabError, SourceError
from .i18n import set_lang
from .notebook import record
from .periods import Period, latest_complete_month

__all__ = [
    "Shop",
    "connect",
    "record",
    "set_lang",
    "Period",
    "latest_complete_month",
    "ShoplabError",
    "DataContractError",
    "MissingTableError",
    "SourceError",
    "ReportError",
]
__version__ = "0.1.0"

#: the analysis packages and shared modules reachable as attributes (``shoplab.paths.funnel``), imported on
#: first use so that ``import shoplab`` stays light
_SUBMODULES = (
    "overview", "profiling", "paths", "campaigns", "membership", "stats", "labels", "metrics", "orders",
    "plots", "notebook", "importing", "sample", "periods", "data",
    "merchandise", "service",
)  # fmt: skip


__getattr__ = submodule_getattr(__name__, _SUBMODULES)


def __dir__():
    return sorted(set(globals()) | set(_SUBMODULES))
