"""The CLI in the chosen language: click's and typer's own words too, and command help.

click looks its words up through `gettext.gettext` of the process-wide default domain, which has
no Chinese; its modules and typer's rich formatter are pointed at Duban's catalog instead. typer
reads each command's help from the function's docstring: `command_help` gives the docstring in
the chosen language, and `extract_cli` lets `pybabel extract` (`make catalogs`) find those
docstrings beside the `_()` messages.
"""

from __future__ import annotations

import ast
import importlib
import importlib.abc
import importlib.util
import inspect
import re
import sys
from collections.abc import Callable, Iterator
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import IO, Any

from models.vocabulary.i18n import N_, _, ngettext

# click's and typer's words that a user of `duban` meets, as msgids for the catalog.
CLICK_WORDS = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Arguments"),
    N_("Error"),
    N_("Error: {message}"),
    N_("Show this message and exit."),
    N_("Try '{command} {option}' for help."),
    N_("Try [blue]'{command_path} {help_option}'[/] for help."),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing parameter: {param_name}"),
    N_("No such option {name!r}."),
    N_("No such option: {name}"),
    N_("No such command {name!r}."),
    N_("Missing command."),
    N_("Aborted!"),
    N_("Aborted."),
    N_("[default: {}]"),
    N_("[required]"),
    N_("(deprecated) "),
    N_("default: {default}"),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value!r} is not one of {choices}."),
    N_("{value!r} is not {choice}."),
    N_("integer"),
    N_("Got unexpected extra argument ({args})"),
    N_("Got unexpected extra arguments ({args})"),
    N_("Got unexpected extra argument(s) ({args})"),
    N_("argument"),
    N_("option"),
    N_("parameter"),
    N_("Missing {param_type}{param_hint}."),
    N_("Option {name!r} requires an argument."),
    N_("Option {name!r} requires {nargs} arguments."),
)
_CLICK_MODULES = ("click.core", "click.exceptions", "click.formatting", "click.parser", "click.types")
_TYPER_CONSTANTS = {
    "DEPRECATED_STRING": "(deprecated) ",
    "DEFAULT_STRING": "[default: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "ABORTED_TEXT": "Aborted.",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}


# typer (0.29+) carries its own copy of click whose words are plain English f-strings: its messages
# are recognised by shape and worded again.
_TYPER_MESSAGES = (
    (
        re.compile(r"Invalid value for (?P<param_hint>.+?): (?P<message>.*)", re.S),
        N_("Invalid value for {param_hint}: {message}"),
    ),
    (re.compile(r"Invalid value: (?P<message>.*)", re.S), N_("Invalid value: {message}")),
    (
        re.compile(r"Missing (?P<param_type>argument|option|parameter)(?P<param_hint>.*)\."),
        N_("Missing {param_type}{param_hint}."),
    ),
    (re.compile(r"Missing parameter: (?P<param_name>.*)"), N_("Missing parameter: {param_name}")),
    (re.compile(r"No such option: (?P<name>.*)"), N_("No such option: {name}")),
    (re.compile(r"No such command (?P<name>.*)\."), N_("No such command {name!r}.")),
    (
        re.compile(r"Got unexpected extra argument\(s\) \((?P<args>.*)\)"),
        N_("Got unexpected extra argument(s) ({args})"),
    ),
)


def _reworded(message: str) -> str:
    for shape, msgid in _TYPER_MESSAGES:
        found = shape.fullmatch(message)
        if found:
            values = found.groupdict()
            if "param_type" in values:
                values["param_type"] = _(values["param_type"])
            if "name" in values and "!r" in msgid:
                return _(msgid).replace("{name!r}", values["name"])
            return _(msgid).format(**values)
    return message


def _localise_typer_click() -> None:
    try:
        core = importlib.import_module("typer._click.core")
        exceptions = importlib.import_module("typer._click.exceptions")
        formatting = importlib.import_module("typer._click.formatting")
    except ImportError:  # an older typer uses click itself, patched above
        return
    get_help_option = core.Command.get_help_option

    def help_option(self: Any, ctx: Any) -> Any:
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = _("Show this message and exit.")
        return option

    core.Command.get_help_option = help_option
    write_usage = formatting.HelpFormatter.write_usage

    def usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, _("Usage:") + " " if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = usage
    for kind in vars(exceptions).values():
        if isinstance(kind, type) and "format_message" in vars(kind):
            original = vars(kind)["format_message"]
            kind.format_message = lambda self, original=original: _reworded(original(self))


def localise_click() -> None:
    """Point click's and typer's words at Duban's catalog (English stays English)."""
    _localise_typer_click()
    # click itself (typer before 0.29 runs on it; 0.29+ carries its own copy, above): its modules
    # are pointed at the catalog when they are imported, not imported for it (~25 ms).
    for name in _CLICK_MODULES:
        after_import(name, _localise_click_module)
    # typer imports its rich formatter (and rich, ~60 ms) only to print help or an error; its words
    # are set when it does, so a command that runs without either never pays for rich.
    after_import("typer.rich_utils", _localise_rich)


def _localise_click_module(module: ModuleType) -> None:
    if hasattr(module, "_"):
        module._ = _
    if hasattr(module, "ngettext"):
        module.ngettext = ngettext


def _localise_rich(rich_utils: ModuleType) -> None:
    for constant, msgid in _TYPER_CONSTANTS.items():
        setattr(rich_utils, constant, _(msgid))


class _AfterImport(importlib.abc.MetaPathFinder):
    """Finds nothing itself: when `name` is about to be imported, wraps the real loader so that
    `then(module)` runs once the module has executed, then steps out of the import system."""

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self.name, self.then = name, then

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> ModuleSpec | None:
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        execute = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            execute(module)
            self.then(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def after_import(name: str, then: Callable[[ModuleType], None]) -> None:
    """Run `then(module)` when the module `name` is imported (at once if it already is)."""
    if name in sys.modules:
        then(sys.modules[name])
    elif not any(isinstance(f, _AfterImport) and f.name == name for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterImport(name, then))


def command_help(command: Callable[..., Any]) -> str | None:
    """A command's docstring in the chosen language (the cleaned docstring is the msgid)."""
    doc = inspect.getdoc(command)
    return _(doc) if doc else None


def extract_cli(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extractor for cli/: the `_()` messages, and the docstring of every function that is a
    command (passed to `reported`, or decorated with it)."""
    from babel.messages.extract import extract_python

    source = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)
    tree = ast.parse(source)
    commands = {
        node.args[0].id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "reported"
        and node.args
        and isinstance(node.args[0], ast.Name)
    }
    for loop in ast.walk(tree):  # `for command in (import_, plans, …): app.command(…)(reported(command))`
        if isinstance(loop, ast.For) and isinstance(loop.iter, ast.Tuple | ast.List):
            commands |= {item.id for item in loop.iter.elts if isinstance(item, ast.Name)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        decorated = any(isinstance(d, ast.Name) and d.id == "reported" for d in node.decorator_list)
        doc = ast.get_docstring(node)
        if doc and (decorated or node.name in commands):
            yield node.lineno, "_", doc, []
