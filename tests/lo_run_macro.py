"""Open a workbook in LibreOffice (headless) through UNO: list its VBA modules, or run a macro.

Run with the Python that has LibreOffice's `uno` module (Debian: python3-uno), not the venv:
    python3 tests/lo_run_macro.py PROFILE_DIR BOOK modules        -> JSON {module: source}
    python3 tests/lo_run_macro.py PROFILE_DIR BOOK SCRIPT_URI     -> what the macro returns
The profile is a throwaway one; macros are allowed only for this load (MacroExecutionMode).
LibreOffice imports the book's VBA project (a real Office implementation parsing it).
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]
from com.sun.star.lang import DisposedException  # type: ignore[import-not-found]

ALWAYS_EXECUTE_NO_WARN = 4
LIBRARY = "VBAProject"


def prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(pipe: str) -> object:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(120):
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:  # not listening yet: retry
            time.sleep(0.5)
    raise RuntimeError("LibreOffice did not start")


def main(profile: Path, book: Path, what: str) -> int:
    pipe = f"sheetsync{uuid.uuid4().hex}"
    office = subprocess.Popen(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--nologo", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        ctx = connect(pipe)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        args = (prop("Hidden", True), prop("MacroExecutionMode", ALWAYS_EXECUTE_NO_WARN))
        doc = desktop.loadComponentFromURL(book.resolve().as_uri(), "_blank", 0, args)
        if doc is None:
            print(f"LibreOffice could not open {book}", file=sys.stderr)
            return 2
        doc.BasicLibraries.loadLibrary(LIBRARY)
        if what == "modules":
            library = doc.BasicLibraries.getByName(LIBRARY)
            print(json.dumps({name: library.getByName(name) for name in library.getElementNames()}))
        else:
            print(doc.getScriptProvider().getScript(what).invoke((), (), ())[0])
        doc.close(True)
        with contextlib.suppress(DisposedException):  # the bridge drops as the office exits
            desktop.terminate()
        return 0
    finally:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]))
