"""Compatibility module: the campaign report's tables, sentences and computations moved apart.

Numbers: :mod:`~shoplab.campaigns.compute` (and the other compute modules); words (findings, notes, table labels):
:mod:`~shoplab.campaigns.text`; metrics.json: :mod:`~shoplab.campaigns.metrics`. The old names stay here.
"""

from __future__ import annotations

from . import compute as _compute
from . import text as _text

srm_table = _text.srm_table
money_table = _text.money_table
kpi_display = _text.kpi_display
comparison_display = _text.comparison_display
format_kpis = _text.format_kpis
status_notes = _text.status_notes
status_note = _text.status_note
segment_notes = _text.segment_notes
segment_note = _text.segment_note
format_segments = _text.format_segments
after_campaign_sentences = _text.after_campaign_sentences
did_sentences = _text.did_sentences
format_channels = _text.format_channels
effects_table = _text.effects_table
format_attribution = _text.format_attribution
findings = _text.findings
SECTIONS = _text.SECTIONS

kpi_report = _compute.kpi_report
segment_report = _compute.segment_report
after_campaign = _compute.after_campaign
did_report = _compute.did_report
channel_report = _compute.channel_report
period_touches = _compute.period_touches
targeting_candidates = _compute.targeting_candidates

from . import metrics as _metrics  # noqa: E402

record_report_headlines = _metrics.record_report_headlines
record_did_headlines = _metrics.record_did_headlines
