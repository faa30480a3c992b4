"""The task outbox: tasks enqueued on commit survive a broker that is down.

`mesoplan.celery.enqueue_on_commit` writes one row here in the caller's own transaction
(the business write and the row commit together, or neither does). Right after the
commit the row is relayed: published to the broker at once, without retrying, and
deleted. If the broker refuses (Redis is down, or unreachable within its one-second
connect timeout), the row stays, with the error, and the request goes on: nothing is
raised into the response. The beat's `relay-outbox` sweep (mesoplan.outbox.tasks) then
publishes what is left, oldest first, every few seconds until the broker takes it.

Each relay holds the row's lock while it publishes, and the sweep skips locked rows, so
the after-commit relay and the sweep never both send one row. A relay that dies between
the broker's acceptance and the row's deletion sends it again later: at least once, so
the tasks that go through here are safe to run twice (house rule). The row is deleted
once the broker holds the message; from then on the broker's persistence keeps it
(docs/deployment.md). Without a broker (the embedded set-up) tasks run in-process at the
commit and nothing is written here.
"""
