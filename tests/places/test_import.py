from app.extensions import db
from app.models import Building, District

GOOD = """code,address,district,lat,lon
FIT-001,Krögarvägen 1,Fittja,59.2472,17.8610
FIT-002,Krögarvägen 3,Fittja,59.2475,17.8615
ALB-001,Albyvägen 2,Alby,59.2392,17.8455
"""


def write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "buildings.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def count(app, model):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_import_creates_buildings_and_districts(runner, app, tmp_path):
    result = runner.invoke(args=["import-buildings", write(tmp_path, GOOD)])
    assert result.exit_code == 0, result.output
    assert "3 new" in result.output
    assert count(app, Building) == 3
    with app.app_context():
        names = set(db.session.scalars(db.select(District.name)))
    assert names == {"Fittja", "Alby"}


def test_one_bad_row_imports_nothing_and_names_the_line(runner, app, tmp_path):
    bad = GOOD + "FIT-003,,Fittja,59.25,17.86\nFIT-004,Forvägen 9,Fittja,north,17.86\n"
    result = runner.invoke(args=["import-buildings", write(tmp_path, bad)])
    assert result.exit_code == 1
    assert "line 5" in result.output and "address" in result.output
    assert "line 6" in result.output and "number" in result.output
    assert count(app, Building) == 0
    assert count(app, District) == 0


def test_reimport_updates_by_code(runner, app, tmp_path):
    runner.invoke(args=["import-buildings", write(tmp_path, GOOD)])
    changed = "code;address;district;lat;lon\nFIT-001;Krögarvägen 1A;Fittja;59,2473;17,8611\n"
    result = runner.invoke(args=["import-buildings", write(tmp_path, changed, "cp1252")])
    assert result.exit_code == 0, result.output
    assert "1 updated" in result.output
    with app.app_context():
        building = db.session.scalar(db.select(Building).where(Building.code == "FIT-001"))
        assert building.address == "Krögarvägen 1A"
        assert building.latitude == 59.2473
    assert count(app, Building) == 3


def test_missing_column_and_duplicate_code_are_reported(runner, app, tmp_path):
    result = runner.invoke(args=["import-buildings", write(tmp_path, "code,address\nX,Y\n")])
    assert result.exit_code == 1 and "lat" in result.output
    dup = GOOD + "FIT-001,Annan 1,Fittja,59.24,17.86\n"
    result = runner.invoke(args=["import-buildings", write(tmp_path, dup)])
    assert result.exit_code == 1 and "line 5" in result.output and "line 2" in result.output
    assert count(app, Building) == 0
