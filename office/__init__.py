"""The practice office: the practice manager's pages for staff accounts and the audit
trail.

A top layer, like the URL conf. It composes the foundation (mesoplan: staff services,
the audit trail, lock-outs) with the patients app (patient names in the trail), which
the foundation itself may not import. It has no models and no services of its own.
"""
