"""The campaign statistics now live in :mod:`shoplab.stats` (one implementation for every report); these names
are kept so that ``shoplab.campaigns.stats.welch`` and friends keep working."""

from .. import stats as _stats

two_proportion = _stats.two_proportion
welch = _stats.welch
cuped_welch = _stats.cuped_welch
ratio_of_sums = _stats.ratio_of_sums
fieller = _stats.fieller
holm = _stats.holm
bonferroni = _stats.bonferroni
srm_test = _stats.srm_test
cuped_adjust = _stats.cuped_adjust

__all__ = [
    "two_proportion", "welch", "cuped_welch", "ratio_of_sums", "fieller", "holm", "bonferroni", "srm_test",
    "cuped_adjust",
]  # fmt: skip
