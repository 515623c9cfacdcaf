#!/usr/bin/env python3
"""doc_snippets.py PICOSIGN PLUGIN_YML FILE... -- check the ```yaml snippets of the guides.

Each snippet must parse as YAML. In every `command`, `commands` and `run` value, each
`picosign` command (a word in command position: after the start, a shell operator or `sudo`)
must name a command in `picosign --help` and use only flags that `picosign CMD --help` lists.
Each use of the picosign Buildkite plugin (a `picosign#...` key) may only set options from the
plugin's plugin.yml, must set `mode`, and enum options must hold allowed values.
Prints "ok - ..." / "not ok - ..." per check and "N passed, N failed" last; exits 1 on a failure.
Needs PyYAML (Debian: python3-yaml).
"""
import re
import shlex
import subprocess
import sys

import yaml

BIN, PLUGIN_YML, FILES = sys.argv[1], sys.argv[2], sys.argv[3:]
results = []


def check(ok, what):
    results.append(ok)
    print(("ok - " if ok else "not ok - ") + what)


def help_text(*args):
    return subprocess.run([BIN, *args, "--help"], capture_output=True, text=True, timeout=20).stdout


top = help_text()
COMMANDS = re.findall(r"(?m)^  ([a-z][a-z-]*)  ", top.split("Commands:", 1)[1])
FLAGS = {}
for c in COMMANDS:
    names = set()
    for m in re.finditer(r"(?m)^  (-[A-Za-z])?(?:, )?(--[a-z][-a-z]*)?", help_text(c)):
        names.update(n for n in m.groups() if n)
    FLAGS[c] = names

plugin = yaml.safe_load(open(PLUGIN_YML))["configuration"]
PLUGIN_OPTS = plugin["properties"]

OPERATORS = {"|", "||", "&", "&&", ";", ";;", "(", ")", "\n"}


def picosign_calls(script):
    """(command, [flags]) for each picosign command in a shell script."""
    s = script.replace("\\\n", " ")
    s = re.sub(r"\$\{\{[^}]*\}\}", "X", s)  # GitHub expressions
    s = s.replace("$$", "$")  # Buildkite's escape for runtime variables
    while re.search(r"\$\([^()]*\)", s):  # command substitutions: not picosign's arguments
        s = re.sub(r"\$\([^()]*\)", "X", s)
    calls = []
    for line in s.split("\n"):
        lex = shlex.shlex(line, posix=True, punctuation_chars=True)
        lex.whitespace_split = True
        lex.commenters = "#"
        toks = list(lex)
        at_cmd, i = True, 0
        while i < len(toks):
            t = toks[i]
            if t in OPERATORS or set(t) <= set("|&;()<>"):
                at_cmd = not set(t) <= set("<>")
            elif at_cmd and (t == "sudo" or re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", t)):
                pass
            elif at_cmd and (t == "picosign" or t.endswith("/picosign")):
                args = []
                i += 1
                while i < len(toks) and not (toks[i] in OPERATORS or set(toks[i]) <= set("|&;()<>")):
                    args.append(toks[i])
                    i += 1
                cmd = args[0] if args else ""
                flags = [a.split("=", 1)[0] for a in args[1:] if a.startswith("-") and a != "-"]
                calls.append((cmd, flags))
                at_cmd = False
                continue
            else:
                at_cmd = False
            i += 1
    return calls


def walk(node, path, out):
    """Collect (kind, value) for shell scripts and picosign plugin configs."""
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(k, str) and re.match(r"^([\w.-]+/)?picosign#", k):
                out.append(("plugin", k, v))
            if k in ("command", "commands", "run"):
                for script in v if isinstance(v, list) else [v]:
                    if isinstance(script, str):
                        out.append(("script", k, script))
            walk(v, path + [k], out)
    elif isinstance(node, list):
        for v in node:
            walk(v, path, out)


total_calls = {}
for f in FILES:
    text = open(f).read()
    blocks = [(text.count("\n", 0, m.start()) + 2, m.group(1))
              for m in re.finditer(r"(?ms)^```yaml\n(.*?)^```", text)]
    check(len(blocks) > 0, f"{f}: has yaml snippets ({len(blocks)})")
    total_calls[f] = 0
    for line, body in blocks:
        where = f"{f}:{line}"
        try:
            doc = yaml.safe_load(body)
        except yaml.YAMLError as e:
            check(False, f"{where}: YAML does not parse: {str(e).splitlines()[0]}")
            continue
        check(True, f"{where}: YAML parses")
        found = []
        walk(doc, [], found)
        for kind, key, value in found:
            if kind == "plugin":
                if not isinstance(value, dict):
                    check(False, f"{where}: {key} has no options")
                    continue
                unknown = sorted(set(value) - set(PLUGIN_OPTS))
                check(not unknown, f"{where}: {key} options are the plugin's"
                      + (f" (unknown: {', '.join(unknown)})" if unknown else ""))
                check("mode" in value, f"{where}: {key} sets mode")
                for o, v in value.items():
                    enum = PLUGIN_OPTS.get(o, {}).get("enum")
                    if enum:
                        check(v in enum, f"{where}: {key} {o}: {v!r} is one of {enum}")
                continue
            for cmd, flags in picosign_calls(value):
                total_calls[f] += 1
                if cmd not in FLAGS:
                    check(False, f"{where}: 'picosign {cmd}' is not a picosign command")
                    continue
                bad = [x for x in flags if x not in FLAGS[cmd]]
                check(not bad, f"{where}: picosign {cmd} {' '.join(flags)}".rstrip()
                      + (f" (no such flag: {', '.join(bad)})" if bad else ""))
for f, n in total_calls.items():
    if f.startswith("docs/"):
        check(n >= 3, f"{f}: its snippets run picosign ({n} commands checked)")

fails = results.count(False)
print(f"{len(results) - fails} passed, {fails} failed")
sys.exit(1 if fails else 0)
