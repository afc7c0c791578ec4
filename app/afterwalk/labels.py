"""Words for this package's enums, in the one table templates and forms read (app/labels.py)."""

from flask_babel import lazy_gettext as _l

from app.labels import LABELS
from app.models import OwnerKind, PinStatus, TimeOfDay

LABELS.update({
    OwnerKind: {
        OwnerKind.OURS: _l("Our company"),
        OwnerKind.MUNICIPALITY: _l("Municipality"),
        OwnerKind.TRANSIT: _l("Transit company"),
        OwnerKind.LANDLORD: _l("Other landlord"),
        OwnerKind.POLICE: _l("Police"),
        OwnerKind.OTHER: _l("Other"),
    },
    TimeOfDay: {
        TimeOfDay.DAY: _l("Daytime"),
        TimeOfDay.EVENING: _l("Evening"),
        TimeOfDay.NIGHT: _l("Night"),
    },
    PinStatus: {
        PinStatus.PENDING: _l("Waiting for review"),
        PinStatus.APPROVED: _l("Approved"),
        PinStatus.REJECTED: _l("Rejected"),
    },
})
