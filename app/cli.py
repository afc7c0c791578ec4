"""Command-line tasks (thin: they call services and commit)."""

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from app.extensions import db
from app.models import Role, User


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
    app.cli.add_command(import_buildings_command)
    app.cli.add_command(send_reminders)
    app.cli.add_command(seed_scale)


@click.command("seed-demo")
@with_appcontext
@click.option("--force", is_flag=True, help="Seed even if the database already has users.")
def seed_demo(force: bool) -> None:
    """Fill an empty database with Botkyrka demo data and print the demo accounts."""
    from app.services import demo

    if db.session.scalar(select(User).limit(1)) is not None and not force:
        click.echo("The database already has data; demo data not added.")
    else:
        summary = demo.seed(db.session, upload_storage=None)
        db.session.commit()
        click.echo(summary)
    click.echo(f"Demo accounts (password: {demo.DEMO_PASSWORD}):")
    for email, role in demo.DEMO_USERS:
        click.echo(f"  {email:<24} {role}")


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default="walker")
@click.password_option()
def create_user(email: str, name: str, role: str, password: str) -> None:
    """Create a user who can log in."""
    from app.services import DomainError
    from app.services.accounts import create_user as create

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
    from flask_babel import force_locale

    from app.services.buildings import ImportFailed, decode, import_buildings

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
    """Queue today's digest of overdue findings and send unsent mail (run daily from cron)."""
    from app.services import mail

    queued = mail.queue_reminders(db.session, config=current_app.config)
    db.session.commit()
    sent, failed = mail.deliver_pending(db.session, current_app.config)
    db.session.commit()
    click.echo(f"Reminders queued: {queued}. Mail sent: {sent}, failed: {failed}.")
    if not current_app.config.get("MAIL_SERVER"):
        click.echo("No MAIL_SERVER set: the mail is in the outbox (/admin/outbox).")


@click.command("seed-scale")
@with_appcontext
@click.option("--findings", default=1_000_000, show_default=True)
@click.option("--buildings", default=50_000, show_default=True)
@click.option("--districts", default=100, show_default=True)
def seed_scale(findings: int, buildings: int, districts: int) -> None:
    """Add a large, realistic data set (three years of walks and findings) for benchmarks."""
    from app.services import scale

    if min(findings, buildings, districts) < 1 or buildings < districts:
        raise click.BadParameter("need at least one of each, and a building per district")
    if scale.already_seeded(db.session):
        click.echo("The scale data set is already there; nothing added.")
        return
    summary = scale.seed_scale(
        db.session, findings=findings, buildings=buildings, districts=districts)
    db.session.commit()
    click.echo(f"Added {summary}.")
    click.echo(f"Log in as {scale.SCALE_MANAGER} or {scale.SCALE_WALKER}, "
               f"password {scale.SCALE_PASSWORD}.")
