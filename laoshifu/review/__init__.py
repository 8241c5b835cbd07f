"""A day of production data → excursions, drift, rules fired, data problems → report, plan.

Import the modules you need (``laoshifu.review.daily`` runs the whole review); this
package stays light so that ``laoshifu diagnose`` need not load DuckDB or matplotlib.
"""
