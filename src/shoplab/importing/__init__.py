"""``shoplab import``: platform exports and public data sets into a contract folder (docs/importing.md).

>>> from shoplab.importing import FORMATS, import_files
>>> list(FORMATS)  # doctest: +NORMALIZE_WHITESPACE
['taobao-orders', 'taobao-items', 'shopify-orders', 'online-retail', 'user-behavior', 'mapping']
"""

from __future__ import annotations

from .common import DEFAULT_SALT_ENV, Format
from .errors import ImportFormatError, SaltError
from .mapping import MAPPING, load_mapping
from .online_retail import ONLINE_RETAIL
from .run import import_files
from .shopify import SHOPIFY_ORDERS
from .store import MANIFEST, SHOP_FILE, read_manifest
from .taobao import TAOBAO_ITEMS, TAOBAO_ORDERS
from .user_behavior import USER_BEHAVIOR

__all__ = [
    "FORMATS",
    "Format",
    "import_files",
    "load_mapping",
    "read_manifest",
    "ImportFormatError",
    "SaltError",
    "MANIFEST",
    "SHOP_FILE",
    "DEFAULT_SALT_ENV",
]

FORMATS: dict[str, Format] = {
    f.name: f for f in (TAOBAO_ORDERS, TAOBAO_ITEMS, SHOPIFY_ORDERS, ONLINE_RETAIL, USER_BEHAVIOR, MAPPING)
}
