"""Benchmark of versions.compare against `git diff --no-index` on the same texts.

Run: python bench/compare.py   (from the repository root; no database needed)

Prints, in one run: the time to diff two 5,000-line prompts with 100 scattered edits and
two 1,000-function configurations with 50 changes, next to `git diff --no-index` on the
same texts written to temporary files (the prompt as is, the configurations as
pretty-printed JSON), and the ratio. difflib's SequenceMatcher (autojunk off) on the prompt
lines is shown as a second baseline: it is what a naive implementation would use.
"""

import copy
import difflib
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from versions.compare import diff_documents, diff_text

REPEAT = 7
WORDS = [
    "caller",
    "booking",
    "table",
    "party",
    "guests",
    "time",
    "date",
    "name",
    "phone",
    "menu",
    "allergy",
    "wine",
    "window",
]


def timed(function, repeat: int = REPEAT) -> float:
    """Median wall time in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def make_prompt(rng: random.Random, lines: int = 5_000) -> str:
    out = []
    for n in range(lines):
        if n % 9 == 8:
            out.append("")  # blank lines repeat: the hard case for difflib
        else:
            out.append(f"{n}. When the {rng.choice(WORDS)} asks, mention the {rng.choice(WORDS)}.")
    return "\n".join(out)


def edit_prompt(rng: random.Random, text: str, edits: int = 100) -> str:
    lines = text.split("\n")
    for position in sorted(rng.sample(range(len(lines)), edits), reverse=True):
        kind = rng.random()
        if kind < 0.6:
            lines[position] = lines[position].replace("mention", "always mention")
        elif kind < 0.8:
            lines.insert(position, f"New rule: confirm the {rng.choice(WORDS)}.")
        else:
            del lines[position]
    return "\n".join(lines)


def make_function(n: int) -> dict:
    return {
        "id": f"fn_{n:08x}",
        "name": f"function_{n:04d}",
        "description": f"Look up the {WORDS[n % len(WORDS)]} for the caller.",
        "parameters": {
            "type": "object",
            "properties": {"query": {"type": "string"}, "limit": {"type": "number"}},
            "required": ["query"],
        },
        "endpoint": None,
        "code": "\n".join(
            [
                "def run(query, limit=10):",
                f"    rows = db.search({n}, query)",
                "    if not rows:",
                "        return {'found': False}",
                "    return {'found': True, 'rows': rows[:limit]}",
            ]
        ),
        "connection": "crm" if n % 3 else None,
    }


def make_configurations(rng: random.Random) -> tuple[dict, dict]:
    old = {
        "schemaVersion": 1,
        "profile": {"name": "Bench", "description": "", "language": "en-GB"},
        "behaviour": {"systemPrompt": "Be helpful.", "welcomeMessage": "Hello"},
        "functions": [make_function(n) for n in range(1_000)],
    }
    new = copy.deepcopy(old)
    functions = new["functions"]
    for index in sorted(rng.sample(range(len(functions)), 50), reverse=True):
        kind = index % 5
        if kind == 0:
            functions[index]["code"] = functions[index]["code"].replace("limit=10", "limit=20")
        elif kind == 1:
            functions[index]["name"] += "_v2"
        elif kind == 2:
            functions[index]["description"] += " Politely."
        elif kind == 3:
            del functions[index]
        else:
            functions.append(make_function(10_000 + index))
    return old, new


def git_diff(old: str, new: str) -> float:
    with tempfile.TemporaryDirectory() as folder:
        a, b = Path(folder, "old.txt"), Path(folder, "new.txt")
        a.write_text(old)
        b.write_text(new)
        command = ["git", "diff", "--no-index", "--no-color", "--no-ext-diff", str(a), str(b)]

        def run():
            result = subprocess.run(command, capture_output=True, check=False)
            assert result.returncode == 1, result.stderr  # 1 = the files differ

        return timed(run)


def row(label: str, ours: float, git: float, extra: str = "") -> None:
    print(f"{label:<42} ours {ours:8.1f} ms   git {git:7.1f} ms   ratio {ours / git:5.2f}x{extra}")


def main() -> None:
    rng = random.Random(5)
    old_prompt = make_prompt(rng)
    new_prompt = edit_prompt(rng, old_prompt)
    prompt_ours = timed(lambda: diff_text(old_prompt, new_prompt))
    prompt_git = git_diff(old_prompt, new_prompt)
    old_lines, new_lines = old_prompt.split("\n"), new_prompt.split("\n")
    prompt_difflib = timed(
        lambda: difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes(),
        repeat=3,
    )
    text = diff_text(old_prompt, new_prompt)

    old_config, new_config = make_configurations(rng)
    config_ours = timed(lambda: diff_documents(old_config, new_config))
    config_git = git_diff(
        json.dumps(old_config, indent=2, sort_keys=True),
        json.dumps(new_config, indent=2, sort_keys=True),
    )
    diff = diff_documents(old_config, new_config)
    json_ours = timed(lambda: json.dumps(diff_documents(old_config, new_config).to_json()))

    print(f"versions.compare benchmark (median of {REPEAT} runs, Python {sys.version.split()[0]})")
    print()
    row(
        "5,000-line prompt, 100 scattered edits",
        prompt_ours,
        prompt_git,
        f"   (+{text.added} -{text.removed} lines)",
    )
    print(
        f"{'  difflib SequenceMatcher, autojunk off':<42} {prompt_difflib:8.1f} ms"
        f"   ({prompt_difflib / prompt_git:.1f}x git)"
    )
    row(
        "1,000 functions, 50 changes",
        config_ours,
        config_git,
        f"   ({diff.summary()})",
    )
    row("  same, plus to_json() and json.dumps", json_ours, config_git)
    print()
    print("git includes process start-up (about a millisecond or two); ours runs in-process.")


if __name__ == "__main__":
    main()
