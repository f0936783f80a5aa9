"""shoplab: e-commerce user-operations analytics on an embedded engine.

>>> import shoplab
>>> shop = shoplab.connect("data/sample")  # doctest: +SKIP
>>> shop.orders.count().execute()  # doctest: +SKIP
"""

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
