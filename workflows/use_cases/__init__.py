"""Use cases: one function per thing a person or a job does, shared by every face.

The CLI, the dashboard's pages and API, the Excel round trip, the scheduler, the Prefect flows and
the demo call these and nothing below them for a write or a job. Each use case takes an Actor
(actor.py), asks the permission table (models.rules.permissions), owns its transaction, and returns
a typed result that the face renders. Refusals are the typed errors of errors.py.

Modules: tasks (update, defer, schedule, assign), imports (plans and documents into the ledger),
jobs (escalate, digest, send, look back), units (merge, load), summaries, users, workbook (the
台账 round trip), documents (the 督办通报), restore (backup and restore), plans (a plan's short
name), lease (the job lease of the scheduler, `duban deploy` and the flows), sign_in (the
dashboard's login and logout) and ledger (the engine and read sessions a face holds: faces import
no models.storage). Nothing is re-exported here: a face imports the module it needs, so a
command does not pay for the report libraries it does not use.
"""
