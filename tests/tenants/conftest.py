import io

import pytest
from PIL import Image


def jpeg(size=(800, 600), color=(200, 40, 40), exif_orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        exif[0x010F] = "PhoneMaker"  # Make: must not survive
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def building(make):
    district = make.district("Fittja")
    return make.building(district, lat=59.2472, lon=17.8610, code="FIT-007",
                         address="Fittjavägen 7")


def report_form(make, **changes) -> dict:
    data = {"category": make.category_id("lighting"), "place": "entrance",
            "time_of_day": "evening", "description": "Lampan vid porten är trasig"}
    data.update(changes)
    # The report form's fields are prefixed (the pulse form shares the page).
    return {f"report-{name}": value for name, value in data.items()}
