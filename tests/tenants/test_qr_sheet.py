"""The QR sheet of a district (/tenant-reports/qr-sheets/<id>.pdf): A4 labels whose QR code
opens the building's tenant page (decoded from the rendered PDF), with the address and the
invitation in the five tenant languages, Arabic shaped."""

import shutil
import subprocess

import pytest

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                reason="pdftoppm (poppler-utils) is not installed")

def _sheet(app, make, client, login):
    district = make.district("Fittja")
    for n in range(1, 10):  # nine buildings: two pages of eight labels
        make.building(district, code=f"FIT-{n:03d}", address=f"Fittjavägen {n}")
    login("manager")
    response = client.get(f"/tenant-reports/qr-sheets/{district}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.data

def test_the_qr_codes_open_the_buildings_pages(app, make, client, login, tmp_path):
    import zxingcpp
    from PIL import Image

    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(_sheet(app, make, client, login))
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(tmp_path / "page")],
                   check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2
    found = set()
    for page in pages:
        found |= {b.text for b in zxingcpp.read_barcodes(Image.open(page))}
    base = app.config["BASE_URL"].rstrip("/")
    assert found == {f"{base}/t/FIT-{n:03d}" for n in range(1, 10)}
    # The decoded address really is the tenant page.
    assert client.get("/t/FIT-001").status_code == 200

def test_the_label_text_in_five_languages(app, make, client, login, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(_sheet(app, make, client, login))
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "Fittjavägen 9" in text
    assert "Något som känns otryggt? Skanna här" in text
    assert "Tuntuuko jokin turvattomalta? Skannaa tästä" in text
    assert "Something that feels unsafe? Scan here" in text
    assert "iskaan garee" in text
    assert "يشعرك" in text  # shaped Arabic glyphs still map back to the letters

@pytest.mark.parametrize("role", ["fixer", "walker"])
def test_only_managers_print_the_sheet(app, make, client, login, role):
    district = make.district("Alby")
    login(role)
    assert client.get(f"/tenant-reports/qr-sheets/{district}.pdf").status_code == 404
