"""Names of files that nodes write into the output folder: one rule for every node.

Checked by pydantic when the workflow is validated, so a bad name is reported on the node
and parameter before anything runs, and no name can leave the output folder.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

FILE_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
FILE_STEM_RULE = "use 1-64 letters, digits, '_' or '-', starting with a letter or digit (no folders, dots or spaces)"


def check_file_stem(value: str) -> str:
    if not (isinstance(value, str) and FILE_STEM.fullmatch(value)):
        raise ValueError(f"{value!r} is not a safe file name: {FILE_STEM_RULE}")
    return value


FileStem = Annotated[str, AfterValidator(check_file_stem)]
