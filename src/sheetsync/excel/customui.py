"""The ribbon's customUI XML, generated from the action registry (never kept by hand).

One tab, one group per registry group (in the order the groups first appear), one button per
ribbon action that can run (`ribbon.buttons()`). Every button calls the one VBA dispatcher
`OnAction`, which passes the button's id (the action's name) to Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import quoteattr

from sheetsync.actions.registry import Action

NAMESPACE = "http://schemas.microsoft.com/office/2009/07/customui"
TAB_ID, TAB_LABEL = "sheetsyncTab", "sheetsync"
CALLBACK = "OnAction"

# Office icon names (imageMso) the registry may use: each one was seen in public customUI files
# found with the code search (find_string 'imageMso="<name>"'), so Excel knows it. An unknown
# name would show no icon at all; `test_excel_customui` holds the registry to this list.
KNOWN_IMAGES = frozenset({
    "AcceptInvitation", "ConditionalFormattingMenu", "Clear", "FillDown", "FillUp", "Help",
    "ChartInsert", "FileNew", "PropertySheet", "Info", "FindDialog", "DataValidation", "FileSave",
    "GoToPage", "CreateReport", "Lock", "Delete", "FileSendAsAttachment",
})  # fmt: skip


def _button(action: Action) -> str:
    attrs = {
        "id": action.name,
        "label": action.label,
        "imageMso": action.image,
        "size": "large",
        "screentip": action.tip,
        "supertip": action.help,
        "onAction": CALLBACK,
    }
    return "<button " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items()) + "/>"


def custom_ui(buttons: Sequence[Action]) -> bytes:
    """The customUI part (customUI14.xml) for these buttons, as UTF-8 bytes."""
    groups: dict[str, list[Action]] = {}
    for action in buttons:
        groups.setdefault(action.group, []).append(action)
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        f'<customUI xmlns="{NAMESPACE}">',
        "<ribbon><tabs>",
        f"<tab id={quoteattr(TAB_ID)} label={quoteattr(TAB_LABEL)}>",
    ]
    for n, (group, actions) in enumerate(groups.items(), 1):
        lines.append(f"<group id={quoteattr(f'sheetsyncGroup{n}')} label={quoteattr(group)}>")
        lines.extend(_button(a) for a in actions)
        lines.append("</group>")
    lines += ["</tab>", "</tabs></ribbon>", "</customUI>"]
    return ("\n".join(lines) + "\n").encode("utf-8")
