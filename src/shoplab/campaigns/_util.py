"""Input checks and small helpers shared by the campaign modules."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pandas as pd

from ..data import require_columns
from ..orders import paid_orders

#: the column check of the campaign modules is the package's one (:func:`shoplab.data.require_columns`)
table = require_columns
#: paid orders only, at their amount (:func:`shoplab.orders.paid_orders`: campaign outcomes count these)
paid = paid_orders


def ts(value) -> ibis.Value:
    return ibis.literal(pd.Timestamp(value).to_pydatetime())


def only_users(t: ir.Table, user_ids) -> ir.Table:
    """Rows of ``t`` whose ``user_id`` is among ``user_ids`` (a semi-join in the engine, ids cast to ``t``'s type),
    so that only those users' rows come back."""
    ids = pd.DataFrame({"user_id": pd.Series(user_ids).drop_duplicates().astype(str).to_numpy()})
    wanted = ibis.memtable(ids).mutate(user_id=lambda m: m.user_id.cast(t.user_id.type()))
    return t.semi_join(wanted, "user_id")


def tiers_at_start(shop, user_ids, *, at) -> tuple[pd.Series, str]:
    """Membership tier of the given users at ``at`` and where it comes from.

    With ``tier_history`` the tier is the one held just before ``at``
    (:func:`shoplab.membership.tiers_at`): a campaign can upgrade a member, so today's tier would mix the outcome
    into a pre-campaign segment. Without it, the current ``members.tier`` of users who joined before ``at``
    stands in (``source`` says so, and the report shows a note). Users who were not members are absent.

    Returns
    -------
    (tiers, source)
        A Series of tiers indexed by user id, and ``"tier_history"``, ``"members"`` (today's tier, the
        fallback) or ``"none"`` (no ``members`` table: the Series is empty).
    """
    from ..membership.tiers import tiers_at

    if not shop.has("members"):
        return pd.Series(dtype=object, name="tier"), "none"
    members = only_users(shop.members, user_ids)
    history = only_users(shop.tier_history, user_ids) if shop.has("tier_history") else None
    return tiers_at(members, history, at=at), "tier_history" if history is not None else "members"
