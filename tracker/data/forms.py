"""The import page's forms."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from werkzeug.datastructures import FileStorage
from wtforms import BooleanField, SubmitField
from wtforms.validators import ValidationError

from ..core.web.forms import SiteForm, UploadForm


class ImportForm(UploadForm):
    files = MultipleFileField(
        _l("Files to import"),
        description=_l(
            "CSV (UTF-8) or XLSX. Pledges and their actions taken, in the files or sheets of one workbook: "
            "each file's kind is told by its header row."
        ),
    )
    create_missing = BooleanField(
        _l("Create the organisations, forums, themes and countries the files name that are not in the tracker yet"),
        default=True,
        description=_l(
            "The preview lists each one before anything is written. A name that reads like one already "
            "there (another case, spacing or look-alike letters) is never created: the preview asks you to use it."
        ),
    )
    submit = SubmitField(_l("Check the files"))

    def validate_files(self, field):
        if not [upload for upload in field.data or [] if isinstance(upload, FileStorage) and upload.filename]:
            raise ValidationError(_("Choose one or more files: CSV (UTF-8) or XLSX."))


class ConfirmImportForm(SiteForm):
    submit = SubmitField(_l("Import"))
