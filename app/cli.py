"""Command-line tasks (thin: they call operations and commit)."""

import os
import shutil
import time

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from app import bulk, jobs, mail
from app.accounts.operations import create_user as create
from app.backup import BackupError, backup, restore
from app.errors import DomainError
from app.extensions import db
from app.findings.mail import queue_reminders
from app.models import Role, User
from app.models.types import utcnow
from app.places.buildings import ImportFailed, decode, import_buildings
from app.privacy import access, erasure, retention
from app.privacy.extract import build_extract, extract_filename
from app.privacy.operations import purge_expired as purge
from app.reports import rollups
from app.seeding import demo, scale
from app.storage import delete_files, get_storage


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
    app.cli.add_command(import_buildings_command)
    app.cli.add_command(send_reminders)
    app.cli.add_command(deliver_webhooks)
    app.cli.add_command(purge_expired)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(worker)
    app.cli.add_command(seed_scale)
    app.cli.add_command(rollups_rebuild)
    app.cli.add_command(storage_migrate)
    app.cli.add_command(person_export)
    app.cli.add_command(person_erase)


@click.command("seed-demo")
@with_appcontext
@click.option("--force", is_flag=True, help="Seed even if the database already has users.")
def seed_demo(force: bool) -> None:
    """Fill an empty database with Botkyrka demo data and print the demo accounts."""
    if db.session.scalar(select(User).limit(1)) is not None and not force:
        click.echo("The database already has data; demo data not added.")
    else:
        summary = demo.seed(db.session, upload_storage=None)
        db.session.commit()
        click.echo(summary)
        _rebuild_rollups()
    click.echo(f"Demo accounts (password: {demo.DEMO_PASSWORD}):")
    for email, role in demo.DEMO_USERS:
        click.echo(f"  {email:<24} {role}")


def _rebuild_rollups(*, bulk: bool = False) -> None:
    started = time.monotonic()
    facts = rollups.rebuild(db.session, bulk=bulk)
    db.session.commit()
    click.echo(f"Dashboard facts rebuilt: {facts:,} findings in "
               f"{time.monotonic() - started:.0f} s.")


@click.command("rollups-rebuild")
@with_appcontext
def rollups_rebuild() -> None:
    """Recompute the dashboard's facts from the findings (after bulk loads or a restore)."""
    _rebuild_rollups()


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default="walker")
@click.password_option()
def create_user(email: str, name: str, role: str, password: str) -> None:
    """Create a user who can log in."""
    try:
        user = create(
            db.session, email=email, name=name, role=Role(role), password=password,
            hash_method=current_app.config["PASSWORD_HASH_METHOD"],
        )
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role.value}).")


@click.command("import-buildings")
@with_appcontext
@click.argument("file", type=click.File("rb"))
def import_buildings_command(file) -> None:
    """Create or update buildings from a CSV (code, address, district, lat, lon).

    Every row is checked first; if any row is bad, nothing is imported.
    """
    try:
        with force_locale("en"):  # the command speaks English; so do its reasons
            result = import_buildings(db.session, decode(file.read()))
    except ImportFailed as failed:
        db.session.rollback()
        click.echo(f"Nothing imported: {len(failed.errors)} bad line(s).", err=True)
        for line, reason in failed.errors:
            click.echo(f"  line {line}: {reason}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"Imported: {result.created} new, {result.updated} updated buildings.")
    if result.districts_created:
        click.echo("New districts: " + ", ".join(result.districts_created))


@click.command("send-reminders")
@with_appcontext
def send_reminders() -> None:
    """Queue today's digest of overdue findings and send unsent mail (run daily from cron).

    With Redis (JOBS_MODE=rq) this only enqueues the job and a worker does it."""
    if current_app.config["JOBS_MODE"] == "rq":
        jobs.enqueue("send_reminders")
        click.echo("Reminders enqueued for the worker (flask worker).")
        return
    queued = queue_reminders(db.session, config=current_app.config)
    db.session.commit()
    sent, failed = mail.deliver_pending(db.session, current_app.config)
    db.session.commit()
    click.echo(f"Reminders queued: {queued}. Mail sent: {sent}, failed: {failed}.")
    if not current_app.config.get("MAIL_SERVER"):
        click.echo("No MAIL_SERVER set: the mail is in the outbox (/admin/outbox).")


@click.command("deliver-webhooks")
@with_appcontext
def deliver_webhooks() -> None:
    """Send the webhook deliveries that are due (every few minutes from cron: it catches up
    on retries whose timer died with a restarted web process)."""
    from app.integrations.webhooks import deliver_due

    next_at = deliver_due(db.session, current_app.config)
    db.session.commit()
    click.echo("Webhooks sent." + (f" Next try due at {next_at:%Y-%m-%d %H:%M} UTC."
                                   if next_at else ""))


@click.command("purge-expired")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="List what would be deleted; delete nothing.")
def purge_expired(dry_run: bool) -> None:
    """Apply every retention rule: photos of findings closed longer ago than
    PHOTO_RETENTION_MONTHS (and confidential findings' free text after
    CONFIDENTIAL_TEXT_RETENTION_MONTHS), accounts unused for ACCOUNT_RETENTION_MONTHS
    (anonymised), participants' names after PARTICIPANT_NAME_RETENTION_MONTHS, mail after
    MAIL_RETENTION_DAYS, sign-in records after SIGNIN_RETENTION_MONTHS, backups in
    BACKUP_FOLDER older than the photos.

    Run daily from cron. The findings stay, so reports count the same. What it did is one
    entry in the audit log, with the counts per kind.
    """
    config = current_app.config
    photo_months = config.get("PHOTO_RETENTION_MONTHS")
    text_months = config.get("CONFIDENTIAL_TEXT_RETENTION_MONTHS")
    now = utcnow()
    result = purge(db.session, now=now, photo_months=photo_months,
                   text_months=text_months, dry_run=dry_run)
    personal = retention.purge_personal(db.session, now=now, config=config, dry_run=dry_run)
    verb = "Would delete" if dry_run else "Deleted"
    for finding in result.photo_findings:
        click.echo(f"  finding #{finding.id}: photos (closed {_closed(finding)})")
    for finding in result.text_findings:
        click.echo(f"  finding #{finding.id}: confidential text (closed {_closed(finding)})")
    if dry_run:
        db.session.rollback()
    else:
        retention.audit_purge(db.session, result, personal)
        db.session.commit()
        delete_files(result.keys)
        for folder in personal.backups:
            shutil.rmtree(folder, ignore_errors=True)
    counts = personal.counts
    click.echo(
        f"{verb}: {counts['accounts']} unused account(s) anonymised (not logged in for "
        f"{config.get('ACCOUNT_RETENTION_MONTHS') or '∞'} months), "
        f"{counts['participant_names']} participant name(s) of walks over "
        f"{config.get('PARTICIPANT_NAME_RETENTION_MONTHS') or '∞'} months old, "
        f"{counts['mails']} mail(s) over {config.get('MAIL_RETENTION_DAYS') or '∞'} days "
        f"old, {counts['sign_ins']} sign-in record(s) unused for "
        f"{config.get('SIGNIN_RETENTION_MONTHS') or '∞'} months, {counts['backups']} "
        f"backup(s) older than the photos' {photo_months or '∞'} months"
        + ("" if config.get("BACKUP_FOLDER") else " (BACKUP_FOLDER is not set)")
        + f", contact details of {counts['tenant_contacts']} tenant report(s) closed over "
        f"{config.get('TENANT_CONTACT_RETENTION_DAYS') or '∞'} days ago."
    )
    click.echo(
        f"{verb} {result.photos} photo(s) of {len(result.photo_findings)} finding(s) "
        f"closed over {photo_months or '∞'} months ago; text of "
        f"{len(result.text_findings)} confidential finding(s)"
        + (f" closed over {text_months} months ago." if text_months else " (text kept: "
           "CONFIDENTIAL_TEXT_RETENTION_MONTHS is not set).")
    )


def _find_person(query: str):
    try:
        return access.find_person(db.session, query)
    except DomainError as error:
        with force_locale("en"):  # the command speaks English
            raise click.ClickException(str(error.message)) from error


@click.command("person-export")
@with_appcontext
@click.argument("person")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="The ZIP file to write "
              "(default: register-extract-….zip in this folder).")
@click.option("--language", type=click.Choice(["sv", "en"]), default="sv",
              help="The language of the PDF.")
def person_export(person: str, output: str | None, language: str) -> None:
    """Register extract (GDPR art. 15) of PERSON, an e-mail address or a name: one ZIP with
    person.json, person.pdf and the photos they took."""
    who = _find_person(person)
    records = access.collect(db.session, who)
    with force_locale(language):
        data = build_extract(records, get_storage())
    path = output or extract_filename(records)
    with open(path, "wb") as fh:
        fh.write(data)
    erasure.record_access(db.session, None, records)
    db.session.commit()
    counts = ", ".join(f"{name} {n}" for name, n in records.counts().items()) or "none"
    click.echo(f"Wrote {path}: {records.total} records ({counts}); "
               f"{len(records.mentions)} free-text mentions; {len(records.photo_keys)} photos.")


@click.command("person-erase")
@with_appcontext
@click.argument("person")
@click.option("--yes", is_flag=True, help="Do it. Without --yes, only show what would change.")
def person_erase(person: str, yes: bool) -> None:
    """Erase PERSON (GDPR art. 17), an e-mail address or a name: their name becomes a
    pseudonym everywhere, the account is deactivated and emptied, findings stay. Without
    --yes this is a dry run."""
    who = _find_person(person)
    try:
        with force_locale("en"):
            plan = erasure.plan_erasure(db.session, who)
    except DomainError as error:
        with force_locale("en"):
            raise click.ClickException(str(error.message)) from error
    verb = "Changed" if yes else "Would change"
    click.echo(f"Pseudonym: {plan.pseudonym}")
    for change in plan.changed():
        click.echo(f"  {verb} {change.table}.{change.column}: {change.rows} row(s) "
                   f"({change.action.value})")
    for change in plan.kept():
        click.echo(f"  Kept, now shown as the pseudonym: {change.table}.{change.column}: "
                   f"{change.rows} row(s)")
    for mention in plan.review:
        click.echo(f"  Review by hand: {mention.table} #{mention.row_id} {mention.column}: "
                   f"{mention.text[:80]!r}")
    if not yes:
        db.session.rollback()
        click.echo("Dry run: nothing changed. Run again with --yes to erase.")
        return
    erasure.erase(db.session, None, plan, now=utcnow())
    db.session.commit()
    click.echo(f"Erased: now {plan.pseudonym}. {len(plan.review)} free-text mention(s) to "
               "review by hand (listed above).")


def _closed(finding) -> str:
    moment = finding.closed_at or finding.verified_at
    return moment.date().isoformat() if moment else "?"


def _run_backup_step(step, folder: str):
    """backup() or restore() between this instance (database, photo folder or bucket) and
    `folder`; a BackupError becomes the command's error message."""
    try:
        return step(current_app.config["SQLALCHEMY_DATABASE_URI"], get_storage(), folder)
    except BackupError as error:
        raise click.ClickException(str(error)) from error


@click.command("backup")
@with_appcontext
@click.argument("destination", type=click.Path(file_okay=False))
def backup_command(destination: str) -> None:
    """Back up the database and the photos into DESTINATION (a new or empty folder)."""
    db.session.remove()  # no transaction of ours holds anything during the copy
    result = _run_backup_step(backup, destination)
    counts = result.manifest["counts"]
    click.echo(f"Backup in {destination}: {counts['findings']} findings, {counts['photos']} "
               f"photos ({len(result.manifest['photos'])} files), {counts['users']} users.")
    if result.manifest["files_left_out"]:
        click.echo(f"Left out {result.manifest['files_left_out']} files of the photo store that "
                   "no photo row in the backup names (written after its database copy).")
    if result.missing_photos:
        click.echo(f"Warning: {len(result.missing_photos)} photo files were deleted while the "
                   "backup ran and are not in it.", err=True)


@click.command("restore")
@with_appcontext
@click.argument("source", type=click.Path(exists=True, file_okay=False))
def restore_command(source: str) -> None:
    """Restore the backup in SOURCE into this (empty) instance, checking every checksum."""
    db.session.remove()
    db.engine.dispose()  # the restore replaces the database under any open connection
    restored = _run_backup_step(restore, source)
    counts = restored.manifest["counts"]
    click.echo(f"Restored {counts['findings']} findings and {counts['photos']} photos "
               f"from a backup of {restored.manifest['created_at']}.")
    if restored.skipped_files:
        click.echo(f"Skipped {len(restored.skipped_files)} files of the backup that no photo "
                   "row names.")
    _rebuild_rollups()


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker(burst: bool) -> None:
    """Run background jobs (exports, mail) from Redis; needs REDIS_URL."""
    if not current_app.config.get("REDIS_URL"):
        raise click.UsageError("Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run a worker. "
                               "Without it, jobs run inside the web process.")
    # RQ forks a work horse per job (memory goes back after each export). Connections
    # inherited from this process must not be used by two processes: the child drops them
    # from its pool without closing them.
    engine = db.engine
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    # The scheduler runs jobs enqueued for later (a webhook's next try, app/jobs.py enqueue_in).
    jobs.worker().work(burst=burst, with_scheduler=True)


@click.command("seed-scale")
@with_appcontext
@click.option("--findings", default=1_000_000, show_default=True)
@click.option("--buildings", default=50_000, show_default=True)
@click.option("--districts", default=100, show_default=True)
def seed_scale(findings: int, buildings: int, districts: int) -> None:
    """Add a large, realistic data set (three years of walks and findings) for benchmarks."""
    if min(findings, buildings, districts) < 1 or buildings < districts:
        raise click.BadParameter("need at least one of each, and a building per district")
    if scale.already_seeded(db.session):
        click.echo("The scale data set is already there; nothing added.")
        return
    summary = scale.seed_scale(
        db.session, findings=findings, buildings=buildings, districts=districts)
    db.session.commit()
    click.echo(f"Added {summary}.")
    _rebuild_rollups(bulk=True)
    started = time.monotonic()
    if bulk.vacuum(db.engine, ["findings", "finding_events", "finding_facts",
                               "finding_rollups", "fix_rollups", "finding_year_rollups",
                               "fix_year_rollups"]):
        click.echo(f"VACUUM: {time.monotonic() - started:.0f} s.")
    click.echo(f"Log in as {scale.SCALE_MANAGER} or {scale.SCALE_WALKER}, "
               f"password {scale.SCALE_PASSWORD}.")


@click.command("storage-migrate")
@with_appcontext
@click.option("--to", "direction", type=click.Choice(["bucket", "local"]), required=True,
              help="bucket: from UPLOAD_FOLDER to S3_BUCKET; local: back.")
def storage_migrate(direction: str) -> None:
    """Copy every photo file to the bucket (or back to the local folder), checking each
    copy's SHA-256. Run it again after an interruption: what is there is skipped."""
    from app.models import Photo
    from app.storage import LocalStorage, s3_from_config
    from app.storage_migration import migrate

    if not current_app.config.get("S3_BUCKET"):
        raise click.UsageError("Set S3_BUCKET (and S3_ENDPOINT_URL, S3_PREFIX, credentials): "
                               "the bucket to copy to or from.")
    local = LocalStorage(current_app.config["UPLOAD_FOLDER"])
    bucket = s3_from_config(current_app.config)
    source, target = (local, bucket) if direction == "bucket" else (bucket, local)
    rows = db.session.execute(select(Photo.storage_key, Photo.thumb_key).order_by(Photo.id))
    keys = [key for row in rows for key in row if key]
    db.session.remove()  # no transaction held open during the copy
    click.echo(f"{len(keys)} files from {source!r} to {target!r}")
    result = migrate(source, target, keys, progress=lambda n: click.echo(f"  {n} …"))
    click.echo(f"Copied {result.copied}, already there {result.already_there}, "
               f"missing in the source {len(result.missing)}.")
    for key in result.missing[:20]:
        click.echo(f"  missing: {key}", err=True)
    if result.damaged:
        raise click.ClickException(
            f"{len(result.damaged)} copies read back different (run again): "
            + ", ".join(result.damaged[:10]))
