"""The service report (客服·评价·物流·售后): customer service, reviews, delivery, after-sales and what service is
worth, from the optional tables service_sessions, shipments, returns and feedback's reviews.

- :func:`.sessions.customer_service`: first response (median, p90, within target), resolution, bot share
- :func:`.reviews.review_summary`: the three DSR scores (180-day means) and the bad-review rate
- :func:`.delivery.delivery`: shipped within the hours target, delivery days, late share
- :func:`.aftersales.after_sales`: return rate, response and resolution against target, refunds
- :func:`.worth.service_worth`: review score and 90-day repurchase on delivery days and first response
- :func:`.report.compute_report`: every number of the report in one call
"""

from . import aftersales, delivery, reviews, sessions, worth
from .report import ServiceResults, compute_report, fix_first

__all__ = [
    "aftersales",
    "delivery",
    "reviews",
    "sessions",
    "worth",
    "ServiceResults",
    "compute_report",
    "fix_first",
]
