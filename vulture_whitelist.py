"""Names `make lint`'s vulture cannot see used: read by a framework, a template or the
database, not by Python in app/. Never imported. Routes, CLI commands, event listeners,
policies, SQL compilers and Alembic revisions are skipped by decorator or path
(pyproject.toml [tool.vulture]); only what those rules miss is named here, by category.
"""

from unittest.mock import Mock

_ = Mock()

# The lines below are bare expressions on purpose: vulture counts each name as used.

# Set on a library's object or overridden for it (Flask-Login, WTForms, SQLAlchemy,
# Werkzeug, fpdf2, onnxruntime, sqlite3, an event listener's signature).
_.login_view, _.session_protection, _.permanent, _.get_id, _.is_active,
_.widget, _.option_widget, _.process_formdata, _._value,
_.impl, _.cache_ok, _.process_bind_param, _.process_result_value, _.inherit_cache,
_.direct_passthrough, _.footer, _.core_fonts_encoding,
_.log_severity_level, _.intra_op_num_threads, _.isolation_level, _.connection_record,
_.kwargs,
_.pubsub_thread,  # RQ's worker stops it (app/jobs.py QuickStop.subscribe)
_.max_content_length,  # Werkzeug's per-request limit (app/tenants/routes.py)

# Jobs run by name (app/jobs.py maps "export" → "app.exports.operations:run_export"), and
# what an RQ worker runs for each (app/jobs.py WORKER_ENTRY).
_.run_export, _.send_reminders_job, _.perform

# Read only by templates (Jinja) or sent to the browser.
_.confirm, _.reported_photos, _.percent, _.prev_num, _.next_num, _.close_reason,
_.photos_purged_at, _.follow_up_of, _.checked_at, _.file_size,

# Stored for the record (audit, exports, backups): written by the app, read by people and
# SQL. Dropping one is a migration, not a lint fix. NOT_FIXED is a status value in rows.
_.finished_at, _.gps_direction, _.blur_flagged_by_id, _.recorded_by, _.checked_by_id,
_.login_session_id, _.NOT_FIXED,
# Tenant reports (app/models/tenants.py): when contacts were cleared, who triaged, what the
# tenant said was still wrong (also on the finding's timeline).
_.purged_at, _.triaged_by_id, _.reopen_note,

# pydantic: settings read by the library, and API fields only serialised (app/api/schemas.py).
_.model_config, _.openapi, _.exif_latitude, _.exif_longitude, _.exif_direction,
_.exif_taken_at, _.exif_offset, _.csrf_token, _.url, _.can_add_finding, _.assignment_note,
_.internal,
# A finding's entered fields, copied by name from FindingInput (api/routes._finding_fields).
_.unsafe_rating,

# Callback signatures the library fixes (spectree hooks, SQLAlchemy session events, Alembic).
_.instance, _.flush_context, _.instances, _.previous_transaction, _.transaction, _.parent_names,
_.include_name,  # migrations/env.py

# Marks the rollups stale as the migration does on a database with findings (tests use it).
_.mark_stale

# Rendered by templates/remediation/_results.html.
_.building_html, _.html, _.places_only  # FilterPart (findings/_short_search.html too)

# A field of the API schema Photo (app/api/schemas.py), filled by name in app/api/routes.py.
_.thumb_url

# Flags on flask.g read back with g.get() by app/sqlite_tuning.py's "begin" listener.
_.trygg_reads, _.trygg_short_wait

# What each process keeps of pages, in bytes (tests/test_page_cache.py checks the bound).
_.kept_bytes

# After the walk (app/afterwalk): read by its templates (the owner's answer) or stored for the
# record (who answered, who moderated a pin, who finished the meeting).
_.owner_reply, _.owner_replied_at, _.answered_at, _.answered_by_id, _.completed_by_id,
_.moderated_at, _.moderated_by_id

# prometheus-client calls collect() on a registered collector (app/monitoring/metrics.py).
_.collect

# The record of processing's facts (app/privacy/record.py), read by its template.
_.recipients, _.basis

# Integrations (issue 26): shown by templates/integrations/*.html; the delivery job is named
# in app/jobs.py TASKS; verify_signature is what a receiver does (docs, tests).
_.last_used_at, _.last_attempt_at, _.duration_ms, _.response_excerpt
_.deliver_due_job
_.verify_signature

# Before the walk (app/invitations): who invited someone, stored for the record.
_.invited_by_id

# Join by code (app/guests): a guest principal's role, read by its page; Flask-Login's flag.
_.participant_role, _.is_anonymous

# Connected to workflow.status_changed (blinker), called by workflow.transition.
_._finding_moved

# Connected to walks.operations.walk_moved (blinker), sent by update_walk.
_._mail_moved_walk

# Connected to walks.operations.walk_cancelled (blinker), sent by cancel_walk.
_._mail_cancelled_walk

# A cancelled walk: who cancelled it and why, read by the walk page and the cancellation mail.
_.cancelled_by, _.cancel_reason, _.cancelled_at

# SQLAlchemy's SQLite compiler method, set by sqlite_tuning.init_app (INDEXED BY hints).
_.get_from_hint_text

# The separate figures the dashboard's merged statements replace (walk_figures,
# finding_breakdown): kept as the tests' reference that the merged ones give the same.
_.walks_per_month, _.findings_by_status
