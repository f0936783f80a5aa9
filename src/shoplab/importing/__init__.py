"""``shoplab import``: platform exports and public data sets into a contract folder (docs/importing.md).

The API (``__all__``):

- :data:`FORMATS`: the import formats by name (taobao-orders, taobao-items, shopify-orders, online-retail ...).
- :class:`Format`: one import format: its name, description, the columns it needs and how it converts.
- :func:`import_files`: import export files of a format into a contract folder; returns its manifest.
- :func:`load_mapping`: read and check a mapping file (the ``mapping`` format).
- :func:`read_manifest`: a folder's ``_import.json``, or None.
- :class:`ImportFormatError`: an input cannot be read, or is not the format named.
- :class:`SaltError`: no salt for the pseudonymous ids, or not the salt of the folder's earlier imports.
- :data:`MANIFEST`: the manifest's file name (``_import.json``).
- :data:`SHOP_FILE`: the shop file's name (``_shop.json``, the currency).
- :data:`DEFAULT_SALT_ENV`: the environment variable holding the salt (``SHOPLAB_SALT``).

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
