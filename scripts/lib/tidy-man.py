"""Tidies a page from swift-argument-parser's generate-manual for reg's tools.

The generator treats every command as a command group (a `subcommand` argument and a
`help` entry that our tools do not have), writes the discussion as it is (blank lines and
indented examples, which mdoc would reflow), and ends with the BSD `.Ex -std`, where our
exit status is 0, 1 or 2. Usage: tidy-man.py PAGE > OUT
"""
import re
import sys

TOOLS = ["reg-ls", "reg-tags", "reg-manifest", "reg-select", "reg-diff", "reg-rm", "reg-seed"]

EXIT = """.Sh EXIT STATUS
.Bl -tag -width 3n
.It 0
Everything succeeded (reg-diff: no difference).
.It 1
The answer is no (reg-diff found differences) or some records failed; the others were
still processed and written.
.It 2
Trouble: bad usage, unreadable input, a registry that cannot be reached or refuses us.
.El
.Pp
Standard output carries records only; diagnostics go to standard error, one line each,
prefixed with the tool's name. A closed downstream pipe ends the tool quietly with status 0.
"""

ENVIRONMENT = """.Sh ENVIRONMENT
.Bl -tag -width 14n
.It Ev REG_USERNAME , Ev REG_PASSWORD
Credentials for every registry of the run, when --username is not given.
.It Ev DOCKER_CONFIG
The folder of the Docker config.json (default ~/.docker) whose auths, credHelpers and
credsStore give credentials per registry host.
.El
"""


def tidy(text: str, name: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    in_description = False
    in_literal = False
    skip_help = 0
    for line in lines:
        if line == ".Ar subcommand":
            continue
        if line == ".It Em help":
            skip_help = 1
            continue
        if skip_help:
            # The help entry: its text, then an empty nested list (.Bl, .It, .El).
            if line == ".El" and skip_help == 2:
                skip_help = 0
            elif line.startswith(".Bl"):
                skip_help = 2
            continue
        if line.startswith(".Sh DESCRIPTION"):
            in_description = True
            out.append(line)
            continue
        if in_description and line.startswith(".Bl"):
            in_description = False
            if in_literal:
                out.append(".Ed")
                in_literal = False
            out.append(".Sh OPTIONS")
        if in_description:
            literal = line.startswith("  ")
            if literal != in_literal:
                out.append(".Bd -literal -offset indent" if literal else ".Ed")
                in_literal = literal
            if literal:
                out.append(line[2:])
            elif line.strip() == "":
                out.append(".Pp")
            elif line.startswith(".") or line.startswith("'"):
                out.append("\\&" + line)
            else:
                out.append(line)
            continue
        if line.startswith(".Sh \"EXIT STATUS\""):
            out.append(EXIT.rstrip("\n"))
            if name != "reg-select":
                out.append(ENVIRONMENT.rstrip("\n"))
            others = [t for t in TOOLS if t != name]
            refs = [f".Xr {t} 1 ," for t in others] + [".Xr reg-records 5"]
            out.append(".Sh SEE ALSO")
            out.extend(refs)
            continue
        if line == ".Ex -std":
            continue
        out.append(line)
    text = "\n".join(out)
    # A blank line in roff is an empty output line, and mdoc warns about it.
    return re.sub(r"\n{2,}", "\n", text)


if __name__ == "__main__":
    path = sys.argv[1]
    name = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    sys.stdout.write(tidy(open(path).read(), name))
