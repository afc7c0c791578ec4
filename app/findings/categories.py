"""Administration of the categories a finding is filed under (/admin/categories)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.findings import bp
from app.findings.forms import CategoryForm
from app.models import Category
from app.policy import get_or_404, require


@bp.get("/admin/categories")
def categories():
    require("admin")
    rows = db.session.scalars(select(Category).order_by(Category.position, Category.id)).all()
    return render_template("findings/categories.html", categories=rows)


@bp.route("/admin/categories/new", methods=["GET", "POST"], defaults={"category_id": None})
@bp.route("/admin/categories/<int:category_id>", methods=["GET", "POST"])
def category(category_id: int | None):
    require("admin")
    item = get_or_404(Category, category_id) if category_id else Category(active=True)
    form = CategoryForm(obj=item)
    if form.validate_on_submit():
        clash = db.session.scalar(select(Category).where(Category.slug == form.slug.data))
        if clash is not None and clash.id != item.id:
            form.slug.errors.append(_("Another category has that code."))
        else:
            form.populate_obj(item)
            db.session.add(item)
            db.session.commit()
            flash(_("The category is saved."), "success")
            return redirect(url_for("findings.categories"), code=303)
    status = 422 if form.errors else 200
    return render_template("findings/category_form.html", form=form, item=item), status
