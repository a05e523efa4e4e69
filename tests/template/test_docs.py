"""The documentation stays true to the repository (ctest docs_readme).

What a reader relies on: the README front page is read in five minutes (at most 300 lines,
the three deploy steps within its first 100), its configuration table names every
parameter of template.yaml and nothing else, docs/configuration.md covers every parameter
and every variable the template sets, every relative link and anchor of README.md and
docs/*.md leads somewhere, the sample events the README lists are the ones in events/,
and no page points outside the repository or cites an issue number.
"""

import glob
import os
import re
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("SW_SOURCE_DIR", os.path.abspath(os.path.join(HERE, "..", "..")))

try:
    import yaml
except ImportError:  # cfn-lint and the SAM translator, which the template tests need, bring it
    print("SKIP: python yaml (PyYAML) is not installed: template.yaml cannot be read")
    sys.exit(77)


def read(rel):
    with open(os.path.join(SOURCE_DIR, rel), encoding="utf-8") as f:
        return f.read()


def load_template():
    class Loader(yaml.SafeLoader):
        pass

    # CloudFormation short forms (!Ref, !If, ...) carry nothing these checks need.
    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    return yaml.load(read("template.yaml"), Loader=Loader)


def pages():
    """README.md and every docs/*.md, as paths relative to the source tree."""
    found = ["README.md"] + sorted(
        os.path.relpath(p, SOURCE_DIR) for p in glob.glob(os.path.join(SOURCE_DIR, "docs", "*.md")))
    return [p for p in found if os.path.exists(os.path.join(SOURCE_DIR, p))]


def prose_lines(text):
    """The lines of a Markdown page outside fenced code blocks, with their line numbers."""
    fence = None
    for number, line in enumerate(text.split("\n"), 1):
        m = re.match(r"^\s*(```+|~~~+)", line)
        if m:
            if fence is None:
                fence = m.group(1)[:3]
            elif m.group(1).startswith(fence):
                fence = None
            continue
        if fence is None:
            yield number, line


def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"<[^>]+>", "", heading.strip()).lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(text):
    seen = {}
    out = set()
    for _, line in prose_lines(text):
        m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not m:
            continue
        base = slug(m.group(1))
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else "%s-%d" % (base, n))
    return out


def section(text, heading):
    """The lines of the section under `## heading`, up to the next heading of level 1-2."""
    lines = text.split("\n")
    start = lines.index("## " + heading)
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"^#{1,2} ", lines[i])),
               len(lines))
    return lines[start + 1:end]


class ReadmeFrontPage(unittest.TestCase):
    def setUp(self):
        self.text = read("README.md")
        self.lines = self.text.split("\n")

    def test_is_read_in_five_minutes(self):
        self.assertLessEqual(len(self.lines), 300, "README.md has %d lines (at most 300): "
                             "move detail to docs/" % len(self.lines))

    def test_deploys_in_three_steps_within_the_first_100_lines(self):
        first = "\n".join(self.lines[:100])
        for step in ("sam build", "sam deploy --guided"):
            self.assertIn(step, first)
        self.assertRegex(first, r"(?i)confirm the e-mail subscription")

    def test_shows_the_two_commands_local_invocation_and_teardown(self):
        for command in ("scripts/demo.sh", "scripts/test.sh",
                        "sam local invoke -e events/scheduled.json --env-vars env.json",
                        "sam delete"):
            self.assertIn(command, self.text)

    def test_configuration_table_names_every_template_parameter_and_nothing_else(self):
        rows = [line for line in section(self.text, "Configuration") if line.startswith("| `")]
        named = [re.match(r"^\| `([A-Za-z0-9]+)`", row).group(1) for row in rows]
        parameters = set(load_template()["Parameters"])
        self.assertEqual(len(named), len(set(named)), "a parameter is listed twice")
        self.assertEqual(set(named), parameters,
                         "missing from the README: %s; not in template.yaml: %s"
                         % (sorted(parameters - set(named)), sorted(set(named) - parameters)))

    def test_the_events_table_lists_exactly_the_sample_events(self):
        listed = set(re.findall(r"^\| `([a-z0-9.-]+\.json)` \|", self.text, re.M))
        present = {os.path.basename(p) for p in glob.glob(os.path.join(SOURCE_DIR, "events", "*.json"))}
        self.assertTrue(listed, "the README lists no events/ sample")
        self.assertEqual(listed, present,
                         "listed but not in events/: %s; in events/ but not listed: %s"
                         % (sorted(listed - present), sorted(present - listed)))


class ConfigurationPage(unittest.TestCase):
    def test_names_every_parameter_and_every_variable_the_template_sets(self):
        text = read("docs/configuration.md")
        template = load_template()
        variables = template["Resources"]["ScanwardenFunction"]["Properties"]["Environment"]["Variables"]
        for name in list(template["Parameters"]) + list(variables):
            self.assertIn("`%s`" % name, text, "docs/configuration.md does not describe %s" % name)


class Links(unittest.TestCase):
    def test_every_relative_link_and_anchor_resolves(self):
        problems = []
        link = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
        for page in pages():
            text = read(page)
            for number, line in prose_lines(text):
                line = re.sub(r"(`+)(?:(?!\1).)*\1", "", line)  # code spans hold no links
                for target in link.findall(line):
                    if re.match(r"^[a-z]+:", target):  # https:, mailto:
                        continue
                    path, _, anchor = target.partition("#")
                    dest = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
                    where = "%s:%d: %s" % (page, number, target)
                    if dest.startswith(".."):
                        problems.append(where + " (outside the repository)")
                        continue
                    full = os.path.join(SOURCE_DIR, dest)
                    if not os.path.exists(full):
                        problems.append(where + " (no such file)")
                    elif anchor and dest.endswith(".md") and anchor not in anchors(read(dest)):
                        problems.append(where + " (no such heading)")
        self.assertFalse(problems, "\n" + "\n".join(problems))


class SelfContained(unittest.TestCase):
    def test_no_page_points_outside_the_repository_or_cites_an_issue(self):
        problems = []
        for page in pages():
            for number, line in enumerate(read(page).split("\n"), 1):
                if re.search(r"\.\./shared|(?i:\bissue\s*#?\d+)|SPEC\s*§", line):
                    problems.append("%s:%d: %s" % (page, number, line.strip()))
        self.assertFalse(problems, "\n" + "\n".join(problems))


if __name__ == "__main__":
    unittest.main()
