"""The record of processing (GDPR art. 30) shown at /admin/record: what Trygg keeps about
people, why, on what legal basis, who receives it, for how long and where it lives.

The retention of each kind is read from the settings when the page is shown, so the page
stays true when an instance changes them; docs/record-of-processing.md is the same record
for readers of the repository, naming the settings and their defaults.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

Retention = Callable[[Mapping], str]


def _setting(setting: str, rule) -> Retention:
    """The rule for the setting's value, or that the kind is kept when it is 0 or empty."""
    def text(config: Mapping) -> str:
        value = config.get(setting)
        if not value:
            return str(_l("Kept: %(setting)s is not set.", setting=setting))
        return f"{rule(value)} ({setting}={value})"
    return text


@dataclass(frozen=True)
class Activity:
    title: object
    people: object
    data: object
    purpose: object
    basis: object
    recipients: object
    retention: Retention
    where: object


def _fixed(text) -> Retention:
    return lambda config: str(text)


BASIS_TASK = _l("Legitimate interest in safe housing areas (art. 6.1 f); for a municipal "
                "housing company, a task in the public interest (art. 6.1 e).")

ACTIVITIES = [
    Activity(
        title=_l("Accounts"),
        people=_l("Staff: walkers, fixers, managers, admins."),
        data=_l("Name, e-mail, role, districts, language, password hash, second factor, "
                "last login."),
        purpose=_l("Logging in, giving work to the right person, mail about tasks."),
        basis=_l("The employment or assignment (art. 6.1 b) and legitimate interest "
                 "(art. 6.1 f)."),
        recipients=_l("Admins; the name is shown to colleagues on walks and findings."),
        retention=_setting("ACCOUNT_RETENTION_MONTHS", lambda n: ngettext(
            "Anonymised %(num)d month after the last login.",
            "Anonymised %(num)d months after the last login.", n)),
        where=_l("The database."),
    ),
    Activity(
        title=_l("Sign-in records"),
        people=_l("Staff."),
        data=_l("Each logged-in device: its name, when it logged in and was last used."),
        purpose=_l("Security: seeing and ending logins."),
        basis=_l("Legitimate interest (art. 6.1 f)."),
        recipients=_l("The person themselves and admins."),
        retention=_setting("SIGNIN_RETENTION_MONTHS", lambda n: ngettext(
            "Deleted %(num)d month after the last use.",
            "Deleted %(num)d months after the last use.", n)),
        where=_l("The database; login counters in Redis or memory for minutes."),
    ),
    Activity(
        title=_l("Walks and their participants"),
        people=_l("Staff, tenants, police, municipality and others who took part or were "
                  "invited."),
        data=_l("Names and roles of participants, who led the walk, route and notes; the "
                "names, roles, e-mail addresses and phone numbers of the people invited."),
        purpose=_l("Documenting the walk and following up what was found."),
        basis=BASIS_TASK,
        recipients=_l("Staff; the public protocol has roles only, no names."),
        retention=_setting("PARTICIPANT_NAME_RETENTION_MONTHS", lambda n: ngettext(
            "Participants' names, and invited people's names, e-mail addresses and phone "
            "numbers, removed %(num)d month after the walk; roles stay.",
            "Participants' names, and invited people's names, e-mail addresses and phone "
            "numbers, removed %(num)d months after the walk; roles stay.", n)),
        where=_l("The database; walk protocols (PDF) people download."),
    ),
    Activity(
        title=_l("Findings, comments and timelines"),
        people=_l("Staff who reported, assigned, fixed or commented; people mentioned in "
                  "free text."),
        data=_l("Who did what and when; descriptions and comments (free text)."),
        purpose=_l("Fixing what makes an area unsafe and reporting on the work."),
        basis=BASIS_TASK,
        recipients=_l("Staff; owners outside the company get the points they are to fix."),
        retention=_setting("CONFIDENTIAL_TEXT_RETENTION_MONTHS", lambda n: ngettext(
            "Kept for the statistics, with the names of anonymised accounts replaced; the "
            "text of confidential findings is deleted %(num)d month after closing.",
            "Kept for the statistics, with the names of anonymised accounts replaced; the "
            "text of confidential findings is deleted %(num)d months after closing.", n)),
        where=_l("The database; CSV and XLSX exports."),
    ),
    Activity(
        title=_l("Photos"),
        people=_l("Anyone in a photo; who took it."),
        data=_l("The photo (faces blurred when stored), its time and position."),
        purpose=_l("Showing what was found and that it was fixed."),
        basis=BASIS_TASK,
        recipients=_l("Staff; an outside owner gets the photo of their point."),
        retention=_setting("PHOTO_RETENTION_MONTHS", lambda n: ngettext(
            "Deleted %(num)d month after the finding was closed.",
            "Deleted %(num)d months after the finding was closed.", n)),
        where=_l("The photo store (UPLOAD_FOLDER); the phone until it is sent."),
    ),
    Activity(
        title=_l("Mail"),
        people=_l("Staff, outside owners and people invited to a walk who get mail."),
        data=_l("Address, subject, text and attachments of every mail Trygg sends."),
        purpose=_l("Invitations, password links, tasks, reminders, points to owners."),
        basis=_l("Legitimate interest (art. 6.1 f)."),
        recipients=_l("The addressee and the mail servers on the way."),
        retention=_setting("MAIL_RETENTION_DAYS", lambda n: ngettext(
            "Deleted from the outbox %(num)d day after it was written.",
            "Deleted from the outbox %(num)d days after it was written.", n)),
        where=_l("The database (the outbox); the recipients' mailboxes."),
    ),
    Activity(
        title=_l("Owners and residents' pins"),
        people=_l("Contact persons of property owners; residents who mark a place."),
        data=_l("An owner's name and e-mail, their answers; a pin's place and text (no "
                "name is asked)."),
        purpose=_l("Handing points to the one who fixes them; hearing residents."),
        basis=BASIS_TASK,
        recipients=_l("Staff."),
        retention=_fixed(_l("Until an admin removes the owner or the pin; the address "
                            "that sent a pin only in the rate limit's counter (1 hour).")),
        where=_l("The database; Redis or memory for the rate limit."),
    ),
    Activity(
        title=_l("Tenant reports"),
        people=_l("Tenants who report from the QR code at their entrance."),
        data=_l("What and where, a photo (faces blurred), free text, and if they give it an "
                "e-mail address or phone number; no name is asked."),
        purpose=_l("Fixing what feels unsafe and telling the tenant what happens."),
        basis=BASIS_TASK,
        recipients=_l("Managers; fixers see the finding, never the contact details."),
        retention=_setting("TENANT_CONTACT_RETENTION_DAYS", lambda n: ngettext(
            "E-mail and phone deleted %(num)d day after the report is closed.",
            "E-mail and phone deleted %(num)d days after the report is closed.", n)),
        where=_l("The database; the photo in the photo storage."),
    ),
    Activity(
        title=_l("Safety pulse"),
        people=_l("Tenants who answer the pulse question on their building's page."),
        data=_l("A score from 1 to 5, the time of day, the building and the day; no name, "
                "account or address. The phone keeps a random cookie; Trygg keeps only a "
                "keyed hash of it with the building and the week, so that a phone answers "
                "once a week and its answers cannot be linked."),
        purpose=_l("Following how safe tenants feel between the yearly surveys."),
        basis=BASIS_TASK,
        recipients=_l("Managers see figures per district and building, never one answer "
                      "nor a figure on fewer than 10 answers."),
        retention=_fixed(_l("Answers are kept: they name no one. The sending address only "
                            "in the rate limit's counter (1 day); the cookie on the phone "
                            "2 years.")),
        where=_l("The database; Redis or memory for the rate limit; the tenant's phone."),
    ),
    Activity(
        title=_l("Audit log"),
        people=_l("Admins and the accounts they changed."),
        data=_l("Who did what to which account, when: never a password, an erased name or "
                "an extract's content."),
        purpose=_l("Accountability for access to accounts and personal data."),
        basis=_l("Legal obligation to show compliance (art. 5.2, 6.1 c)."),
        recipients=_l("Admins."),
        retention=_fixed(_l("Kept; an anonymised account shows as its pseudonym.")),
        where=_l("The database."),
    ),
    Activity(
        title=_l("Exports and files saved on phones"),
        people=_l("Everyone in the exported rows."),
        data=_l("Findings and walks as CSV/XLSX; a phone's unsent findings saved as a file "
                "(\"Save as file\")."),
        purpose=_l("Work outside Trygg; not losing what a phone could not send."),
        basis=BASIS_TASK,
        recipients=_l("The person who made the file."),
        retention=_setting("EXPORT_KEEP_HOURS", lambda n: ngettext(
            "Export files on the server are deleted %(num)d hour after they are made; files "
            "people saved are their responsibility.",
            "Export files on the server are deleted %(num)d hours after they are made; files "
            "people saved are their responsibility.", n)),
        where=_l("EXPORT_FOLDER; the phone's outbox (its browser storage) until sent; "
                 "downloaded files."),
    ),
    Activity(
        title=_l("Integrations: API keys and webhooks"),
        people=_l("Everyone in the findings sent; the admins who made a key or a webhook."),
        data=_l("Findings and their changes sent to the addresses admins registered, with "
                "each delivery's text kept as sent."),
        purpose=_l("Passing findings to the property system and to the municipality."),
        basis=BASIS_TASK,
        recipients=_l("The systems behind the registered API keys and webhook addresses."),
        retention=_fixed(_l("Deliveries are kept until an admin removes the webhook; no "
                            "retention rule yet.")),
        where=_l("The database; the receiving systems."),
    ),
    Activity(
        title=_l("Backups"),
        people=_l("Everyone above."),
        data=_l("A copy of the database and the photo store."),
        purpose=_l("Restoring Trygg after a failure."),
        basis=_l("Legitimate interest (art. 6.1 f); security (art. 32)."),
        recipients=_l("The operators."),
        retention=_setting("PHOTO_RETENTION_MONTHS", lambda n: ngettext(
            "Backups in BACKUP_FOLDER older than %(num)d month (the photos' retention) are "
            "deleted, so purged photos do not live on in them.",
            "Backups in BACKUP_FOLDER older than %(num)d months (the photos' retention) are "
            "deleted, so purged photos do not live on in them.", n)),
        where=_l("BACKUP_FOLDER (flask backup)."),
    ),
]
