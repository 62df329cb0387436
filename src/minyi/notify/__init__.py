"""Notifications to citizens and staff through an outbox (e-mail, SMS, webhook).

A notification is queued with :func:`minyi.notify.services.enqueue` in the same
transaction as the change that causes it, so it is stored exactly when that change is.
``minyi notify run`` (:func:`minyi.notify.worker.deliver_due`) sends what is due, one
item per transaction, and retries failures with back-off. Delivery is at-least-once:
a crash between a send and its commit can send an item twice; a ``dedupe_key`` makes
sure the same event is never *queued* twice.
"""
